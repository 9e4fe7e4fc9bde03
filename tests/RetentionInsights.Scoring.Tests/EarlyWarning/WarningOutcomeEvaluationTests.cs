using RetentionInsights.Scoring.EarlyWarning;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

public class WarningOutcomeEvaluationTests
{
    private static readonly DateTime AsOf = new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Evaluate_MixedOutcomes_PrecisionAndRecallPerMinimumLevel()
    {
        WarningOutcome O(EarlyWarningLevel level, double? churnAfterDays, bool contact = true) =>
            new(Guid.NewGuid(), AsOf, level, churnAfterDays is { } d ? AsOf.AddDays(d) : null, contact);
        var outcomes = new[]
        {
            O(EarlyWarningLevel.Red, 20),     // hit
            O(EarlyWarningLevel.Orange, 90),  // churned, but after the horizon: a miss for the alert
            O(EarlyWarningLevel.Orange, null),
            O(EarlyWarningLevel.Yellow, 10),  // hit for Yellow+
            O(EarlyWarningLevel.None, 30, contact: false), // churner who never wrote: invisible to communication signals
            O(EarlyWarningLevel.None, null),
            O(EarlyWarningLevel.None, null),
            O(EarlyWarningLevel.None, null),
        };

        var report = WarningOutcomeEvaluation.Evaluate(outcomes, 60);

        Assert.Equal(3, report.Churners);
        Assert.Equal(2, report.ChurnersWithRecentContact);
        Assert.Equal(3 / 8.0, report.BaseRate, 4);
        var orange = report.Levels.Single(l => l.MinimumLevel == "Orange+");
        Assert.Equal((3, 1), (orange.Alerts, orange.TruePositives));
        Assert.Equal(1 / 3.0, orange.Precision!.Value, 3);
        Assert.Equal(1 / 3.0, orange.Recall!.Value, 3);
        var yellow = report.Levels.Single(l => l.MinimumLevel == "Yellow+");
        Assert.Equal(0.5, yellow.Precision);
        Assert.Equal(2 / 3.0, yellow.Recall!.Value, 3);
        Assert.Equal(1.0, yellow.RecallAmongContacting);
        Assert.Equal(1.0, report.Levels.Single(l => l.MinimumLevel == "Red+").Precision);
        Assert.Equal(15, yellow.MedianDaysBeforeChurn); // hits churned 20 and 10 days after the alert
    }
}
