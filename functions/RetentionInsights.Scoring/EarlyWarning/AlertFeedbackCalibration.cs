using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.EarlyWarning;

/// <summary>
/// How the early warning reads one customer after agents judged alerts. <see cref="SentimentShift"/> (≤ 0) moves the
/// sentiment thresholds down to the customer's own usual tone; <see cref="ExtraPoints"/> is the evidence asked of this
/// customer on top of the default points per level (negative: less); <see cref="OrangeExtraPoints"/> and
/// <see cref="RedExtraPoints"/> raise a level's bar for everyone when agents call most of that level's alerts false alarms.
/// </summary>
public sealed record CustomerCalibration(double SentimentShift, int ExtraPoints, int OrangeExtraPoints = 0, int RedExtraPoints = 0)
{
    public static CustomerCalibration None { get; } = new(0, 0);
}

/// <summary>One alert an agent judged: when it was raised, its level, the customer's mean sentiment then, and the verdict.</summary>
public sealed record JudgedAlert(Guid ContactId, DateTime RaisedOn, EarlyWarningLevel Level, double? MeanSentiment, bool Valid, DateTime JudgedOn);

/// <summary>
/// The agent-feedback loop. An alert marked False alarm says "this is how this customer normally sounds": the customer's
/// sentiment thresholds move to just below the tone that raised it, and each false alarm not outweighed by a Valid one asks
/// one more point of evidence. An alert marked Valid says the customer has a real problem: a later alert needs one point
/// less while no false alarm has followed. Across customers, a level whose judged alerts agents call Valid less often than
/// <see cref="TargetValidShare"/> (over at least <see cref="MinJudgedPerLevel"/> verdicts) asks one more point. Only feedback
/// given before the as-of date is used, and only within <see cref="MemoryDays"/>, so a customer whose situation changes is
/// read afresh.
/// </summary>
public sealed class AlertFeedbackCalibration
{
    /// <summary>Feedback older than this no longer shapes the customer's thresholds.</summary>
    public const int MemoryDays = 365;

    /// <summary>How far below the tone of a false alarm the customer's thresholds move.</summary>
    public const double Margin = 0.1;

    /// <summary>The largest downward move of a customer's sentiment thresholds.</summary>
    public const double MaxShift = -0.4;

    public const int MaxExtraPoints = 2;

    /// <summary>A level whose judged alerts are Valid less often than this asks one more point of evidence.</summary>
    public const double TargetValidShare = 0.5;

    /// <summary>Fewer verdicts than this on a level say too little to move its bar.</summary>
    public const int MinJudgedPerLevel = 30;

    private readonly List<JudgedAlert> _all;

    private readonly Dictionary<Guid, List<JudgedAlert>> _byCustomer;
    private readonly double _warnThreshold;

    public AlertFeedbackCalibration(IEnumerable<JudgedAlert> feedback, EarlyWarningOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        _warnThreshold = (options ?? new EarlyWarningOptions()).SentimentWarnThreshold;
        _all = feedback.OrderBy(f => f.JudgedOn).ToList();
        _byCustomer = _all.GroupBy(f => f.ContactId).ToDictionary(g => g.Key, g => g.ToList());
    }

    /// <summary>Judged alerts from stored rtn_retentionalert rows: those with feedback, judged when they were resolved.</summary>
    public static IReadOnlyList<JudgedAlert> FromAlerts(IEnumerable<AlertRecord> alerts) =>
        alerts.Where(a => a.Feedback is Names.Choices.FeedbackValid or Names.Choices.FeedbackFalseAlarm)
            .Select(a => new JudgedAlert(a.ContactId, a.CreatedOn, EarlyWarningLevels.FromChoice(a.Level), a.Sentiment,
                a.Feedback == Names.Choices.FeedbackValid, a.ResolvedOn ?? a.CreatedOn))
            .ToList();

    public int Customers => _byCustomer.Count;

    /// <summary>The calibration for one customer at <paramref name="asOf"/>; <see cref="CustomerCalibration.None"/> without feedback.</summary>
    public CustomerCalibration For(Guid contactId, DateTime asOf)
    {
        var orange = LevelExtraPoints(EarlyWarningLevel.Orange, asOf);
        var red = LevelExtraPoints(EarlyWarningLevel.Red, asOf);
        if (!_byCustomer.TryGetValue(contactId, out var all))
            return new CustomerCalibration(0, 0, orange, red);
        var known = all.Where(f => Known(f, asOf)).ToList();
        if (known.Count == 0)
            return new CustomerCalibration(0, 0, orange, red);
        var falseAlarms = known.Where(f => !f.Valid).ToList();
        var valid = known.Count - falseAlarms.Count;
        var lastIsValid = known[^1].Valid;

        // The customer's usual tone: the harshest mean sentiment an agent still called a false alarm.
        var shift = 0.0;
        var tones = falseAlarms.Where(f => f.MeanSentiment is not null).Select(f => f.MeanSentiment!.Value).ToList();
        if (tones.Count > 0)
            shift = Math.Clamp(Math.Min(0, tones.Min() - Margin - _warnThreshold), MaxShift, 0);

        var extra = lastIsValid ? -1 : Math.Clamp(falseAlarms.Count - valid, 0, MaxExtraPoints);
        return new CustomerCalibration(Math.Round(shift, 3), extra, orange, red);
    }

    /// <summary>One more point for a level agents mostly call false alarms; 0 while the verdicts are too few or mostly Valid.</summary>
    public int LevelExtraPoints(EarlyWarningLevel level, DateTime asOf)
    {
        var judged = _all.Where(f => f.Level == level && Known(f, asOf)).ToList();
        return judged.Count >= MinJudgedPerLevel && judged.Count(f => f.Valid) < TargetValidShare * judged.Count ? 1 : 0;
    }

    private static bool Known(JudgedAlert feedback, DateTime asOf) => feedback.JudgedOn <= asOf && feedback.JudgedOn > asOf.AddDays(-MemoryDays);
}
