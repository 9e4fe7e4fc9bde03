using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.EarlyWarning;

public sealed record WeeklyAlertCount(DateTime WeekStart, int Yellow, int Orange, int Red)
{
    public int Total => Yellow + Orange + Red;
}

/// <summary>
/// The numbers a contact-centre manager steers the early warning by. <see cref="ShareValid"/> is over alerts that received
/// feedback only (null when none did); <see cref="FeedbackCoverage"/> says how far that share can be trusted.
/// </summary>
public sealed record AlertKpiReport(
    int Alerts,
    int Open,
    int Resolved,
    IReadOnlyDictionary<string, int> ByLevel,
    IReadOnlyList<WeeklyAlertCount> PerWeek,
    double AlertsPerWeek,
    int WithFeedback,
    int Valid,
    int FalseAlarm,
    double? ShareValid,
    double FeedbackCoverage,
    double? MeanHoursToResolution,
    double? MedianHoursToResolution,
    /// <summary>Share of resolved alerts resolved before their due-by time.</summary>
    double? ShareResolvedInTime);

public static class AlertKpis
{
    public static AlertKpiReport Compute(IReadOnlyList<AlertRecord> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var weeks = alerts.GroupBy(a => WeekStart(a.CreatedOn)).OrderBy(g => g.Key)
            .Select(g => new WeeklyAlertCount(g.Key,
                g.Count(a => a.Level == Names.Choices.WarningYellow),
                g.Count(a => a.Level == Names.Choices.WarningOrange),
                g.Count(a => a.Level == Names.Choices.WarningRed)))
            .ToList();
        // Weeks without alerts count too, otherwise a quiet month would inflate the weekly rate.
        var spanWeeks = weeks.Count == 0 ? 0 : (weeks[^1].WeekStart - weeks[0].WeekStart).TotalDays / 7 + 1;
        var valid = alerts.Count(a => a.Feedback == Names.Choices.FeedbackValid);
        var falseAlarm = alerts.Count(a => a.Feedback == Names.Choices.FeedbackFalseAlarm);
        var resolved = alerts.Where(a => a.ResolvedOn is not null).ToList();
        var hours = resolved.Select(a => (a.ResolvedOn!.Value - a.CreatedOn).TotalHours).Order().ToList();
        var inTime = resolved.Where(a => a.DueBy is not null).ToList();
        return new AlertKpiReport(
            alerts.Count,
            alerts.Count(a => a.Status != Names.Choices.AlertResolved),
            alerts.Count(a => a.Status == Names.Choices.AlertResolved),
            new Dictionary<string, int>
            {
                ["Yellow"] = alerts.Count(a => a.Level == Names.Choices.WarningYellow),
                ["Orange"] = alerts.Count(a => a.Level == Names.Choices.WarningOrange),
                ["Red"] = alerts.Count(a => a.Level == Names.Choices.WarningRed),
            },
            weeks,
            spanWeeks == 0 ? 0 : Math.Round(alerts.Count / spanWeeks, 2),
            valid + falseAlarm,
            valid,
            falseAlarm,
            valid + falseAlarm == 0 ? null : Math.Round((double)valid / (valid + falseAlarm), 4),
            alerts.Count == 0 ? 0 : Math.Round((double)(valid + falseAlarm) / alerts.Count, 4),
            hours.Count == 0 ? null : Math.Round(hours.Average(), 2),
            hours.Count == 0 ? null : Math.Round(Median(hours), 2),
            inTime.Count == 0 ? null : Math.Round((double)inTime.Count(a => a.ResolvedOn <= a.DueBy) / inTime.Count, 4));
    }

    /// <summary>Monday 00:00 UTC of the ISO week containing <paramref name="time"/>.</summary>
    public static DateTime WeekStart(DateTime time)
    {
        var date = time.Date;
        var offset = ((int)date.DayOfWeek + 6) % 7;
        return DateTime.SpecifyKind(date.AddDays(-offset), DateTimeKind.Utc);
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
