using RetentionInsights.Scoring.Evaluation;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;

namespace RetentionInsights.Scoring.Engine;

/// <summary>Bounds above which a training result is too good to be true (see <see cref="LeakageGuard"/>).</summary>
public sealed record LeakageBounds
{
    /// <summary>A churn model on behavioural data does not reach this holdout AUC honestly.</summary>
    public double MaxHoldoutAuc { get; init; } = 0.90;

    /// <summary>No single behavioural signal separates leavers this well unless it was written when they left.</summary>
    public double MaxFeatureAuc { get; init; } = 0.85;

    /// <summary>Promote anyway (recorded in the model metadata as <see cref="LeakageGuard.OverrideMetric"/>).</summary>
    public bool AllowSuspicious { get; init; }

    public void Validate()
    {
        if (MaxHoldoutAuc is <= 0.5 or > 1 || MaxFeatureAuc is <= 0.5 or > 1)
            throw new ArgumentOutOfRangeException(nameof(MaxHoldoutAuc), "Leakage bounds must be AUC values between 0.5 and 1.");
    }
}

/// <summary>One feature's power on its own: the holdout AUC of its raw value (oriented, so 0.5 = useless, 1 = perfect).</summary>
public sealed record FeatureAuc(string Feature, double Auc);

/// <summary>
/// A suspiciously good metric stops a model instead of decorating it. A column the source system overwrites when the customer
/// leaves (an end date set to the termination date, a status) separates leavers almost perfectly in history and is useless or
/// harmful when scoring the living: the single-feature AUC table finds it and the guard names it.
/// </summary>
public static class LeakageGuard
{
    public const string FeatureAucPrefix = "feature.auc.";
    public const string OverrideMetric = "leakage.override";
    public const string SuspiciousMetric = "leakage.suspicious";

    /// <summary>Single-variable holdout AUC of every feature, highest first. Missing values rank lowest.</summary>
    public static IReadOnlyList<FeatureAuc> FeatureAucs(IReadOnlyList<float[]> rows, IReadOnlyList<bool> labels)
    {
        var result = new List<FeatureAuc>(FeatureSchema.Count);
        var column = new double[rows.Count];
        for (var f = 0; f < FeatureSchema.Count; f++)
        {
            for (var r = 0; r < rows.Count; r++)
                column[r] = float.IsNaN(rows[r][f]) ? double.MinValue : rows[r][f];
            var auc = BinaryMetrics.RocAuc(column, labels);
            result.Add(new FeatureAuc(FeatureSchema.Names[f], double.IsNaN(auc) ? 0.5 : Math.Max(auc, 1 - auc)));
        }
        return result.OrderByDescending(a => a.Auc).ToArray();
    }

    /// <summary>Why the result looks leaked, one line per finding; empty when nothing is suspicious.</summary>
    public static IReadOnlyList<string> Findings(double holdoutAuc, IReadOnlyList<FeatureAuc> features, LeakageBounds bounds)
    {
        var findings = new List<string>();
        foreach (var f in features.Where(f => f.Auc > bounds.MaxFeatureAuc))
            findings.Add(FormattableString.Invariant(
                $"feature '{f.Feature}' alone reaches holdout AUC {f.Auc:0.000} (bound {bounds.MaxFeatureAuc:0.00}): a source column it reads is probably written when the customer leaves (e.g. an end date overwritten with the termination date)"));
        if (holdoutAuc > bounds.MaxHoldoutAuc)
            findings.Add(FormattableString.Invariant(
                $"holdout AUC {holdoutAuc:0.000} is above {bounds.MaxHoldoutAuc:0.00}, more than behaviour can predict: check the feature AUC table for a leaked column"));
        return findings;
    }

    /// <summary>
    /// Saves the candidate and promotes it through the champion/challenger rule unless the findings stop it. A stopped model is
    /// kept as a candidate (for inspection) and never becomes champion unless <see cref="LeakageBounds.AllowSuspicious"/>.
    /// </summary>
    public static async Task<PromotionDecision> SaveAndPromoteAsync(IModelStore store, ModelMetadata candidate, IReadOnlyList<string> findings, bool allowSuspicious, Stream model, CancellationToken cancellationToken = default)
    {
        if (findings.Count == 0 || allowSuspicious)
            return await ModelRegistry.SaveAndPromoteAsync(store, candidate, model, cancellationToken);
        await store.SaveCandidateAsync(candidate, model, cancellationToken);
        var champion = await store.GetChampionVersionAsync(cancellationToken);
        return new PromotionDecision(candidate.Version, false, "suspected leakage: " + string.Join("; ", findings) + ". Fix the column or pass --allow-suspicious.",
            champion, candidate.HoldoutAuc, null);
    }
}
