using System.Buffers;
using System.Text.Json;
using RetentionInsights.Scoring.Explanations;
using RetentionInsights.Scoring.Features;

namespace RetentionInsights.Scoring.Churn;

/// <summary>
/// One reason behind a customer's churn risk: the catalogue code and parameters (what is stored and rendered in the reader's
/// language), the feature it came from, its pull on the log-odds, and the sentence in English and Dutch.
/// </summary>
public sealed record ChurnReason(string Feature, double Contribution, double Value, Phrase Phrase, string English, string Dutch)
{
    public string Code => Phrase.Code;
}

/// <summary>
/// Turns per-feature contributions into the reasons an agent can act on. Only features with a reason rule below can become
/// reasons, so model inputs that describe no customer behaviour (seasonal effects, counters of our own offers, contract
/// value) never show up. One reason per topic group (complaints in 30 and 90 days are one story), strongest first. A customer
/// whose risk is above the base rate always gets at least one reason: when no behaviour is worth saying out loud, the
/// honest answer is "customers with a similar profile leave more often".
/// </summary>
public static class ChurnReasons
{
    public const string SimilarCustomers = "similar_customers";

    /// <summary>Contributions below this are rounding noise of the model explanation, not a reason.</summary>
    private const float MinContribution = 0.01f;

    private delegate Phrase? Rule(double value, Func<string, double> feature);

    // Feature name → reason (null: not worth saying for this value). Raw (unclipped) values, so the agent hears the real count.
    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["tenure_years"] = (v, _) => v < 2 ? Phrase.Of("short_tenure", ("months", Math.Max(0, Math.Floor(v * 12)))) : null,
        ["contract_variable"] = (v, _) => v >= 1 ? Phrase.Of("variable_contract") : null,
        ["days_to_contract_end"] = (v, _) => v is >= 0 and < 120 ? Phrase.Of("contract_ending", ("days", Math.Round(v))) : null,
        ["contract_end_within_60"] = (v, f) => v >= 1 && f("days_to_contract_end") is var d and >= 0 ? Phrase.Of("contract_ending", ("days", Math.Round(d))) : null,
        ["price_change_90"] = (v, _) => v >= 0.02 ? Phrase.Of("price_increase", ("percent", Math.Round(v * 100))) : null,
        ["days_since_price_increase"] = (v, _) => v is >= 0 and < 120 ? Phrase.Of("recent_price_increase", ("days", Math.Round(v))) : null,
        ["complaints_30"] = Count("complaints", 30),
        ["complaints_90"] = Count("complaints", 90),
        ["complaints_365"] = Count("complaints", 365),
        ["questions_90"] = Count("questions", 90),
        ["requests_90"] = Count("requests", 90),
        ["open_cases"] = Count("open_cases"),
        ["reopened_cases_365"] = Count("reopened_cases"),
        ["mean_resolution_hours_365"] = (v, _) => v >= 48 ? Phrase.Of("slow_resolution", ("days", Math.Round(v / 24))) : null,
        ["urgent_cases_60"] = Count("urgent_cases", 60),
        ["satisfaction_90"] = (v, _) => v is > 0 and <= 2.5 ? Phrase.Of("low_satisfaction", ("score", Math.Round(v, 1))) : null,
        ["inbound_30"] = Count("frequent_contact", 30),
        ["inbound_90"] = Count("frequent_contact", 90),
        ["inbound_calls_90"] = Count("frequent_contact", 90),
        ["long_calls_60"] = Count("long_calls", 60),
        ["contact_frequency_ratio"] = (v, _) => v >= 1.5 ? Phrase.Of("contact_more_often", ("ratio", Math.Round(v, 1))) : null,
        ["contact_surge"] = (v, _) => v >= 1 ? Phrase.Of("contact_surge") : null,
        ["late_payments_365"] = Count("late_payments"),
        ["very_late_payments_365"] = Count("very_late_payments"),
        ["share_paid_on_time_365"] = (v, _) => v is >= 0 and < 0.95 ? Phrase.Of("paid_on_time_share", ("percent", Math.Round(v * 100))) : null,
        ["overdue_invoices"] = Count("overdue_invoices"),
        ["usage_trend"] = (v, _) => v is > 0 and < 0.85 ? Phrase.Of("usage_down", ("percent", Math.Round(v * 100))) : null,
        ["usage_drop"] = (v, _) => v >= 1 ? Phrase.Of("usage_drop") : null,
        ["sentiment_mean_60"] = (v, _) => v < -0.1 ? Phrase.Of("negative_tone") : null,
        ["sentiment_min_60"] = (v, _) => v < -0.3 ? Phrase.Of("very_negative_message") : null,
        ["negative_messages_60"] = Count("negative_messages", 60),
        ["sentiment_trend"] = (v, _) => v < -0.1 ? Phrase.Of("tone_worsening") : null,
        ["offers_declined_180"] = Count("offers_declined"),
    };

    /// <summary>Feature names that can become a reason; every other model input never does.</summary>
    public static IReadOnlyCollection<string> ExplainedFeatures => Rules.Keys;

    /// <summary>
    /// The top reasons for one customer: strongest pull first, one per topic group. When <paramref name="probability"/> is
    /// above <paramref name="baseRate"/> the list is never empty.
    /// </summary>
    public static IReadOnlyList<ChurnReason> Top(ReadOnlySpan<float> contributions, ReadOnlySpan<float> rawValues, double probability = 0, double baseRate = 1, int count = 3)
    {
        var raw = rawValues.ToArray();
        double Feature(string name) => raw[FeatureSchema.IndexOf(name)];
        var candidates = new List<(string Feature, double Contribution, double Value, Phrase Phrase)>();
        for (var f = 0; f < contributions.Length; f++)
        {
            var name = FeatureSchema.All[f].Name;
            if (contributions[f] <= MinContribution || !Rules.TryGetValue(name, out var rule) || !double.IsFinite(raw[f]))
                continue;
            if (rule(raw[f], Feature) is { } phrase)
                candidates.Add((name, contributions[f], raw[f], phrase));
        }
        // Ranked and one per topic group before any is put into words: only the few chosen are rendered, in both languages.
        var reasons = candidates
            .OrderByDescending(c => c.Contribution)
            .DistinctBy(c => Phrases.ReasonGroup(c.Phrase.Code))
            .Take(count)
            .Select(c => Create(c.Feature, c.Contribution, c.Value, c.Phrase))
            .ToList();
        if (reasons.Count == 0 && probability > baseRate)
            reasons.Add(Create("", 0, 0, Phrase.Of(SimilarCustomers)));
        return reasons;
    }

    /// <summary>The text stored in rtn_churnreasons: one reason per line, in the organisation's language.</summary>
    public static string? Render(IReadOnlyList<ChurnReason> reasons, string language) =>
        reasons.Count == 0 ? null : string.Join("\n", reasons.Select(r => language == "nl" ? r.Dutch : r.English));

    /// <summary>The rtn_churnreasoncodes value: the choice values of the reason codes, comma-separated as the Web API writes a multi-select choice.</summary>
    public static string? Codes(IReadOnlyList<ChurnReason> reasons) =>
        reasons.Count == 0 ? null : string.Join(",", reasons.Select(r => Phrases.ReasonValue(r.Code)));

    /// <summary>
    /// The rtn_churnreasondetails value: compact JSON the panel renders in the reader's language, with what it needs for the
    /// five-second read — {"v":1,"h":horizon days,"b":base rate,"bands":[medium,high,critical],"early":true|absent,
    /// "r":[{"c":code,"p":{parameters}}]}.
    /// </summary>
    public static string Details(IReadOnlyList<ChurnReason> reasons, int horizonDays, double baseRate, RiskBands bands, bool tooEarly)
    {
        // Written for every scored customer: one buffer per thread, so only the finished text is allocated.
        var buffer = t_details ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteNumber("h", horizonDays);
            json.WriteNumber("b", Math.Round(baseRate, 4));
            json.WriteStartArray("bands");
            json.WriteNumberValue(bands.Medium);
            json.WriteNumberValue(bands.High);
            json.WriteNumberValue(bands.Critical);
            json.WriteEndArray();
            if (tooEarly)
                json.WriteBoolean("early", true);
            json.WriteStartArray("r");
            foreach (var reason in reasons)
            {
                json.WriteStartObject();
                json.WriteString("c", reason.Code);
                if (reason.Phrase.Parameters.Count > 0)
                {
                    json.WriteStartObject("p");
                    foreach (var (name, value) in reason.Phrase.Parameters)
                        json.WriteNumber(name, value);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_details;

    private static Rule Count(string code, int? days = null) => (v, _) =>
    {
        var n = Math.Round(v);
        if (n < 1)
            return null;
        return days is { } d ? Phrase.Of(code, ("count", n), ("days", d)) : Phrase.Of(code, ("count", n));
    };

    private static ChurnReason Create(string feature, double contribution, double value, Phrase phrase) =>
        new(feature, contribution, value, phrase,
            Phrases.Render(PhraseSection.Reasons, phrase, "en"), Phrases.Render(PhraseSection.Reasons, phrase, "nl"));
}
