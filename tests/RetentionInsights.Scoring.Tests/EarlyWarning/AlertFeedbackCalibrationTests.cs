using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.EarlyWarning;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

public class AlertFeedbackCalibrationTests
{
    private static readonly DateTime AsOf = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Customer = Guid.NewGuid();

    private static JudgedAlert Judged(bool valid, double? mean = -0.45, int daysAgo = 20, EarlyWarningLevel level = EarlyWarningLevel.Orange, Guid? contact = null) =>
        new(contact ?? Customer, AsOf.AddDays(-daysAgo - 3), level, mean, valid, AsOf.AddDays(-daysAgo));

    [Fact]
    public void For_FalseAlarm_MovesThresholdsBelowTheCustomersToneAndAsksOneMorePoint()
    {
        var calibration = new AlertFeedbackCalibration([Judged(valid: false, mean: -0.45)]).For(Customer, AsOf);

        // Warn threshold −0.3 moves to 0.1 below the tone agents called normal for this customer: −0.55.
        Assert.Equal(-0.25, calibration.SentimentShift, 3);
        Assert.Equal(1, calibration.ExtraPoints);
    }

    [Fact]
    public void For_ValidAfterFalseAlarm_AsksOnePointLess()
    {
        var calibration = new AlertFeedbackCalibration([Judged(false, daysAgo: 60), Judged(true, daysAgo: 10)]).For(Customer, AsOf);
        Assert.Equal(-1, calibration.ExtraPoints);
    }

    [Fact]
    public void For_FeedbackAfterAsOfOrOlderThanAYear_IsIgnored()
    {
        var calibration = new AlertFeedbackCalibration([Judged(false, daysAgo: -5), Judged(false, daysAgo: 400)]).For(Customer, AsOf);
        Assert.Equal(CustomerCalibration.None, calibration);
    }

    [Fact]
    public void For_ManyFalseAlarmsShifts_StayWithinBounds()
    {
        var calibration = new AlertFeedbackCalibration(Enumerable.Range(1, 6).Select(i => Judged(false, mean: -0.95, daysAgo: i * 10))).For(Customer, AsOf);
        Assert.Equal(AlertFeedbackCalibration.MaxShift, calibration.SentimentShift, 3);
        Assert.Equal(AlertFeedbackCalibration.MaxExtraPoints, calibration.ExtraPoints);
    }

    [Fact]
    public void LevelExtraPoints_MostOrangeAlertsFalseAlarms_RaisesTheOrangeBarForEveryone()
    {
        var others = Enumerable.Range(0, 40).Select(i => Judged(valid: i < 10, contact: Guid.NewGuid())).ToList();
        var calibration = new AlertFeedbackCalibration(others);

        Assert.Equal(1, calibration.LevelExtraPoints(EarlyWarningLevel.Orange, AsOf));
        Assert.Equal(0, calibration.LevelExtraPoints(EarlyWarningLevel.Red, AsOf));
        Assert.Equal(1, calibration.For(Guid.NewGuid(), AsOf).OrangeExtraPoints);
        // Too few verdicts say nothing.
        Assert.Equal(0, new AlertFeedbackCalibration(others.Take(20)).LevelExtraPoints(EarlyWarningLevel.Orange, AsOf));
    }

    [Fact]
    public void FromAlerts_StoredAlerts_KeepOnlyJudgedOnesWithTheirVerdict()
    {
        AlertRecord Alert(int? feedback) => new(Guid.NewGuid(), Customer, Names.Choices.WarningOrange, "s", -0.6, AsOf, Names.Choices.AlertResolved,
            feedback, AsOf.AddDays(-10), AsOf.AddDays(-9));
        var judged = AlertFeedbackCalibration.FromAlerts([Alert(Names.Choices.FeedbackValid), Alert(Names.Choices.FeedbackFalseAlarm), Alert(null)]);

        Assert.Equal([true, false], judged.Select(j => j.Valid));
        Assert.All(judged, j => Assert.Equal(EarlyWarningLevel.Orange, j.Level));
        Assert.All(judged, j => Assert.Equal(AsOf.AddDays(-9), j.JudgedOn));
    }
}
