using System.Globalization;
using RetentionInsights.Scoring.Features;

namespace RetentionInsights.Scoring.Churn;

/// <summary>One reason behind a customer's churn risk: the feature, its pull on the log-odds, and the sentence in en/nl.</summary>
public sealed record ChurnReason(string Feature, double Contribution, double Value, string English, string Dutch);

/// <summary>
/// Turns per-feature contributions into the top reasons an agent can act on: only features that push risk up, only values
/// worth saying out loud (see <see cref="FeatureDefinition.IsTellable"/>), rendered with the customer's actual (unclipped)
/// value. Nl/En share one template table so the languages cannot drift apart.
/// </summary>
public static class ChurnReasons
{
    private static readonly CultureInfo Dutch = CultureInfo.InvariantCulture;

    public static IReadOnlyList<ChurnReason> Top(ReadOnlySpan<float> contributions, ReadOnlySpan<float> rawValues, int count = 3)
    {
        var candidates = new List<ChurnReason>();
        for (var f = 0; f < contributions.Length; f++)
        {
            var definition = FeatureSchema.All[f];
            if (contributions[f] <= 0.01f || !definition.IsTellable(rawValues[f]))
                continue;
            var value = (double)rawValues[f];
            candidates.Add(new ChurnReason(definition.Name, contributions[f], value,
                string.Format(CultureInfo.InvariantCulture, definition.English, value),
                string.Format(Dutch, definition.Dutch, value)));
        }
        return candidates.OrderByDescending(c => c.Contribution).Take(count).ToArray();
    }

    /// <summary>The text stored in rtn_churnreasons: one reason per line.</summary>
    public static string? Render(IReadOnlyList<ChurnReason> reasons, string language) =>
        reasons.Count == 0 ? null : string.Join("\n", reasons.Select(r => language == "nl" ? r.Dutch : r.English));
}
