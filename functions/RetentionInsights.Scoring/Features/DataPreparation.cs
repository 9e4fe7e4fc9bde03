namespace RetentionInsights.Scoring.Features;

/// <summary>Clip limits of one feature (winsorising), learned from training data.</summary>
public sealed record FeatureLimit(string Feature, float Lower, float Upper);

/// <summary>What data preparation did, for the training report: rows excluded and values clipped, with reasons.</summary>
public sealed class PreparationReport
{
    public Dictionary<string, int> RowsDropped { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> ValuesClipped { get; } = new(StringComparer.Ordinal);

    public void Drop(string reason, int count = 1)
    {
        if (count > 0)
            RowsDropped[reason] = RowsDropped.GetValueOrDefault(reason) + count;
    }

    public void Merge(PreparationReport other)
    {
        foreach (var (k, v) in other.RowsDropped) Drop(k, v);
        foreach (var (k, v) in other.ValuesClipped) ValuesClipped[k] = ValuesClipped.GetValueOrDefault(k) + v;
    }
}

/// <summary>
/// Winsorising: extreme values (a customer with 200 calls, a data-entry instalment of €90,000) would dominate a linear
/// baseline and distort reasons, so continuous features are clipped to the [0.5 %, 99.5 %] quantiles of the training data.
/// Trees are insensitive to monotone clipping, so the same limits are safe for LightGBM.
/// </summary>
public static class DataPreparation
{
    public const double LowerQuantile = 0.005;
    public const double UpperQuantile = 0.995;

    public static IReadOnlyList<FeatureLimit> LearnLimits(IReadOnlyList<float[]> rows)
    {
        var limits = new List<FeatureLimit>();
        if (rows.Count == 0)
            return limits;
        var column = new float[rows.Count];
        for (var f = 0; f < FeatureSchema.Count; f++)
        {
            if (!FeatureSchema.All[f].Winsorise)
                continue;
            for (var r = 0; r < rows.Count; r++)
                column[r] = rows[r][f];
            var present = column.Where(v => !float.IsNaN(v)).ToArray();
            if (present.Length == 0)
                continue;
            Array.Sort(present);
            var lower = present[(int)Math.Floor(LowerQuantile * (present.Length - 1))];
            var upper = present[(int)Math.Ceiling(UpperQuantile * (present.Length - 1))];
            if (upper > lower)
                limits.Add(new FeatureLimit(FeatureSchema.Names[f], lower, upper));
        }
        return limits;
    }

    /// <summary>Resolves feature positions once so clipping millions of rows is a tight loop.</summary>
    public static FeatureClipper Compile(IReadOnlyList<FeatureLimit> limits) => new(limits);
}

public sealed class FeatureClipper
{
    private readonly (int Index, float Lower, float Upper, string Name)[] _limits;

    public FeatureClipper(IReadOnlyList<FeatureLimit> limits) =>
        _limits = limits.Select(l => (FeatureSchema.IndexOf(l.Feature), l.Lower, l.Upper, l.Feature)).ToArray();

    /// <summary>Clips in place; NaN (missing) is left for the learner. Counts clipped values per feature into <paramref name="report"/>.</summary>
    public void Apply(Span<float> row, PreparationReport? report = null)
    {
        foreach (var (f, lower, upper, name) in _limits)
        {
            var v = row[f];
            if (v < lower || v > upper)
            {
                row[f] = Math.Clamp(v, lower, upper);
                if (report is not null)
                    report.ValuesClipped[name] = report.ValuesClipped.GetValueOrDefault(name) + 1;
            }
        }
    }
}
