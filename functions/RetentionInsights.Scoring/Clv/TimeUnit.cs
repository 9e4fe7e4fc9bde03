namespace RetentionInsights.Scoring.Clv;

/// <summary>
/// The unit in which recency, age and horizons of a BTYD model are measured. Every CLV API takes one explicitly, because
/// a silent unit mismatch (weekly data read as days) changes a CLV by a factor of ~7 without any error.
/// </summary>
public enum TimeUnit
{
    Day,
    Week,
    Month,
}

public static class TimeUnits
{
    public const double DaysPerMonth = 365.25 / 12;

    public static double Days(this TimeUnit unit) => unit switch
    {
        TimeUnit.Day => 1,
        TimeUnit.Week => 7,
        TimeUnit.Month => DaysPerMonth,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };

    /// <summary>Length of a span in the given unit.</summary>
    public static double Of(TimeSpan span, TimeUnit unit) => span.TotalDays / unit.Days();

    /// <summary>How many <paramref name="unit"/>s one month is.</summary>
    public static double PerMonth(TimeUnit unit) => DaysPerMonth / unit.Days();

    public static TimeUnit Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "day" or "days" or "d" => TimeUnit.Day,
        "week" or "weeks" or "w" => TimeUnit.Week,
        "month" or "months" or "m" => TimeUnit.Month,
        _ => throw new FormatException($"Unknown time unit '{text}': use day, week or month."),
    };
}
