using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Scoring.Churn;

/// <summary>
/// Cut points on the calibrated churn probability (within the model's horizon) that map to rtn_churnriskband. Configurable
/// because the right cut depends on retention-team capacity, not on the model: Medium from <see cref="Medium"/>, High from
/// <see cref="High"/>, Critical from <see cref="Critical"/>.
/// </summary>
public sealed record RiskBands(double Medium, double High, double Critical)
{
    public static readonly RiskBands Default = new(0.05, 0.12, 0.25);

    public int BandOf(double probability) => probability switch
    {
        _ when probability >= Critical => Names.Choices.RiskCritical,
        _ when probability >= High => Names.Choices.RiskHigh,
        _ when probability >= Medium => Names.Choices.RiskMedium,
        _ => Names.Choices.RiskLow,
    };

    public void Validate()
    {
        if (!(Medium > 0 && Medium < High && High < Critical && Critical < 1))
            throw new ArgumentException($"Risk band cut points must satisfy 0 < medium < high < critical < 1 (got {Medium}, {High}, {Critical}).");
    }

    /// <summary>Changes of the churn probability smaller than this (absolute) are noise from rescoring, not a trend.</summary>
    public const double StableWithin = 0.01;

    /// <summary>rtn_churntrend: rising, stable or falling versus the previous score; null without a previous score.</summary>
    public static int? Trend(double? previous, double current) => previous switch
    {
        null => null,
        { } p when current - p >= StableWithin => Names.Choices.TrendRising,
        { } p when p - current >= StableWithin => Names.Choices.TrendFalling,
        _ => Names.Choices.TrendStable,
    };

    /// <summary>
    /// rtn_previousriskband and rtn_riskbandchangedon after a new score: when the band changed, the old band and
    /// <paramref name="asOf"/>; otherwise what was stored (the previous band is the one before the last change).
    /// </summary>
    public static (int? PreviousBand, DateTime? ChangedOn) BandChange(int? storedBand, int? storedPreviousBand, DateTime? storedChangedOn, int newBand, DateTime asOf) =>
        storedBand is { } old && old != newBand ? (old, asOf) : (storedPreviousBand, storedChangedOn);

    public static string Label(int band) => band switch
    {
        Names.Choices.RiskCritical => "Critical",
        Names.Choices.RiskHigh => "High",
        Names.Choices.RiskMedium => "Medium",
        _ => "Low",
    };
}
