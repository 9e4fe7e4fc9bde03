using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.EarlyWarning;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

public class AlertKpisTests
{
    private static readonly DateTime Monday = new(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    private static AlertRecord Alert(double dayOffset, int level, int? feedback, double? resolvedAfterHours, double dueHours) =>
        new(Guid.NewGuid(), Guid.NewGuid(), level, "x", -0.4, Monday.AddDays(dayOffset).AddHours(dueHours),
            resolvedAfterHours is null ? Names.Choices.AlertOpen : Names.Choices.AlertResolved, feedback,
            Monday.AddDays(dayOffset), resolvedAfterHours is { } h ? Monday.AddDays(dayOffset).AddHours(h) : null);

    [Fact]
    public void Compute_AlertsOverThreeWeeks_ReportsWeeklyCountsShareValidAndResolutionTimes()
    {
        var alerts = new[]
        {
            Alert(0, Names.Choices.WarningYellow, Names.Choices.FeedbackValid, 10, 24),
            Alert(2, Names.Choices.WarningOrange, Names.Choices.FeedbackFalseAlarm, 2, 4),
            Alert(3, Names.Choices.WarningRed, Names.Choices.FeedbackValid, 3, 1),
            // week 2 has no alerts; week 3:
            Alert(14, Names.Choices.WarningYellow, null, null, 24),
            Alert(15, Names.Choices.WarningYellow, Names.Choices.FeedbackValid, 30, 24),
        };

        var kpi = AlertKpis.Compute(alerts);

        Assert.Equal(5, kpi.Alerts);
        Assert.Equal(1, kpi.Open);
        Assert.Equal(2, kpi.PerWeek.Count);
        Assert.Equal(new WeeklyAlertCount(Monday.Date, 1, 1, 1), kpi.PerWeek[0]);
        Assert.Equal(5 / 3.0, kpi.AlertsPerWeek, 2); // the empty middle week counts
        Assert.Equal(0.75, kpi.ShareValid);
        Assert.Equal(0.8, kpi.FeedbackCoverage);
        Assert.Equal((10 + 2 + 3 + 30) / 4.0, kpi.MeanHoursToResolution);
        Assert.Equal(6.5, kpi.MedianHoursToResolution);
        Assert.Equal(0.5, kpi.ShareResolvedInTime); // 10h<24h and 2h<4h in time; 3h>1h and 30h>24h late
        Assert.Equal(3, kpi.ByLevel["Yellow"]);
    }

    [Fact]
    public void Compute_NoFeedbackYet_ShareValidIsUnknownNotZero()
    {
        var kpi = AlertKpis.Compute([Alert(0, Names.Choices.WarningYellow, null, null, 24)]);
        Assert.Null(kpi.ShareValid);
        Assert.Null(kpi.MeanHoursToResolution);
    }

    [Fact]
    public void WeekStart_AnyDay_IsTheMondayOfItsIsoWeek()
    {
        Assert.Equal(new DateTime(2026, 6, 1), AlertKpis.WeekStart(new DateTime(2026, 6, 7, 23, 0, 0)));
        Assert.Equal(new DateTime(2026, 6, 8), AlertKpis.WeekStart(new DateTime(2026, 6, 8, 0, 30, 0)));
    }
}
