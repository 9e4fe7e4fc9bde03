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

    public static string Label(int band) => band switch
    {
        Names.Choices.RiskCritical => "Critical",
        Names.Choices.RiskHigh => "High",
        Names.Choices.RiskMedium => "Medium",
        _ => "Low",
    };
}
