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

    public static (int Status, int Channel) Parse(JsonElement body)
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
        return (status, channel);
    }

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
