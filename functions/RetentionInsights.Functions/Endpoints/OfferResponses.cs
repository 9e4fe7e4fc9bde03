using System.Text.Json;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Http;
using RetentionInsights.Functions.Stores;

namespace RetentionInsights.Functions.Endpoints;

/// <summary>Validation and lookup for an agent's answer to an offer.</summary>
public static class OfferResponses
{
    private static readonly Dictionary<string, int> Channels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["phone"] = Names.Choices.ChannelPhone,
        ["email"] = Names.Choices.ChannelEmail,
        ["web"] = Names.Choices.ChannelWeb,
    };

    /// <summary>How long after an answer an agent may correct it (a mis-click), and only by saying so ("correction": true).</summary>
    public static readonly TimeSpan CorrectionWindow = TimeSpan.FromMinutes(15);

    /// <summary>The answer and whether it is an explicit correction of an earlier one.</summary>
    public static (int Status, int Channel, bool Correction) ParseAnswer(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw RequestProblemException.BadRequest("The body must be a JSON object like {\"response\": \"accepted\", \"channel\": \"phone\"}.");
        var response = Text(body, "response")
            ?? throw RequestProblemException.BadRequest("Field 'response' is required: \"accepted\" or \"declined\".");
        var status = response.ToLowerInvariant() switch
        {
            "accepted" => Names.Choices.RecommendationAccepted,
            "declined" => Names.Choices.RecommendationDeclined,
            _ => throw RequestProblemException.BadRequest($"Field 'response' must be \"accepted\" or \"declined\"; got \"{RetentionApi.Shorten(response)}\"."),
        };
        var channelText = Text(body, "channel") ?? "phone";
        if (!Channels.TryGetValue(channelText, out var channel))
            throw RequestProblemException.BadRequest($"Field 'channel' must be one of {string.Join(", ", Channels.Keys)}; got \"{RetentionApi.Shorten(channelText)}\".");
        var correction = false;
        if (body.TryGetProperty("correction", out var flag) && flag.ValueKind != JsonValueKind.Null)
            correction = flag.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw RequestProblemException.BadRequest("Field 'correction' must be true or false."),
            };
        return (status, channel, correction);
    }

    /// <summary>
    /// The state machine of an answer: a proposed offer takes one answer; the same answer again changes nothing; a different
    /// one is refused unless it says it is a correction and comes within <see cref="CorrectionWindow"/>. Null = apply it.
    /// </summary>
    public static RequestProblemException? Refusal(RecommendationRecord recommendation, int status, bool correction, DateTime now)
    {
        if (recommendation.Status == Names.Choices.RecommendationExpired)
            return Expired();
        if (recommendation.RespondedOn is not { } answeredOn || recommendation.Status == status)
            return null;
        if (!correction)
            return new RequestProblemException(409, "Offer already answered",
                $"This offer was answered {Word(recommendation.Status)} at {answeredOn:yyyy-MM-ddTHH:mm:ss}Z. To change the answer, send \"correction\": true within {CorrectionWindow.TotalMinutes:0} minutes of it.");
        if (now - answeredOn > CorrectionWindow)
            return new RequestProblemException(409, "Correction window passed",
                $"The answer {Word(recommendation.Status)} was given more than {CorrectionWindow.TotalMinutes:0} minutes ago and can no longer be corrected.");
        return null;
    }

    public static RequestProblemException Expired() => new(409, "Offer no longer proposed",
        "This recommendation expired (a newer score replaced it). Reload the insights and respond to a current offer.");

    private static string Word(int status) => status == Names.Choices.RecommendationAccepted ? "accepted" : status == Names.Choices.RecommendationDeclined ? "declined" : "otherwise";

    /// <summary>The contact's recommendation of this offer: the live (proposed) one, else the latest; or by recommendation id.</summary>
    public static RecommendationRecord? Find(ContactState state, Guid offerOrRecommendationId)
    {
        var byOffer = state.Recommendations.Select(r => r.Record).Where(r => r.OfferId == offerOrRecommendationId)
            .OrderBy(r => r.Status == Names.Choices.RecommendationProposed ? 0 : 1).ThenByDescending(r => r.CreatedOn).FirstOrDefault();
        return byOffer ?? state.Recommendations.Select(r => r.Record).FirstOrDefault(r => r.Id == offerOrRecommendationId);
    }

    private static string? Text(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw RequestProblemException.BadRequest($"Field '{name}' must be a string; got a JSON {value.ValueKind.ToString().ToLowerInvariant()}.");
        return value.GetString();
    }
}
