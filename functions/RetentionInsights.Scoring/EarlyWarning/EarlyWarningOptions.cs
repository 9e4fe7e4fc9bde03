namespace RetentionInsights.Scoring.EarlyWarning;

/// <summary>Who must respond to an alert of one level, and how fast.</summary>
public sealed class LevelResponse
{
    public double ResponseHours { get; set; }
    public string Owner { get; set; } = string.Empty;
    public string OwnerNl { get; set; } = string.Empty;
}

/// <summary>
/// Thresholds and windows of the communication early warning. Bound from the configuration section
/// <see cref="SectionName"/>; every default is the product default from the issue, so an empty section behaves as documented.
/// </summary>
public sealed class EarlyWarningOptions
{
    public const string SectionName = "EarlyWarning";

    /// <summary>Rolling window for the mean sentiment and the red flags.</summary>
    public int SentimentWindowDays { get; set; } = 14;

    /// <summary>Mean inbound sentiment below this warns (one point).</summary>
    public double SentimentWarnThreshold { get; set; } = -0.3;

    /// <summary>Mean inbound sentiment below this alarms (two points).</summary>
    public double SentimentAlarmThreshold { get; set; } = -0.5;

    /// <summary>A mean over fewer messages is not trusted; a single message below the alarm threshold still warns.</summary>
    public int MinMessagesForMean { get; set; } = 2;

    /// <summary>A message scoring at or below this counts as negative for the repetition rule.</summary>
    public double NegativeMessageThreshold { get; set; } = -0.2;

    /// <summary>This many negative messages within <see cref="RepeatedNegativeDays"/> warn even when the mean is milder.</summary>
    public int RepeatedNegativeCount { get; set; } = 3;
    public int RepeatedNegativeDays { get; set; } = 7;

    /// <summary>A red-flag family counts when it appears in at least this many messages of the window (repetition)…</summary>
    public int RedFlagRepeatMessages { get; set; } = 2;

    /// <summary>…or when at least this many different families appear in the window (combination).</summary>
    public int RedFlagCombinationFamilies { get; set; } = 2;

    /// <summary>Recent period the contact frequency is compared in.</summary>
    public int FrequencyRecentDays { get; set; } = 7;

    /// <summary>The customer's own baseline: the period before the recent one.</summary>
    public int FrequencyBaselineDays { get; set; } = 180;

    /// <summary>Recent contact rate at least this many times the baseline rate is a surge…</summary>
    public double SurgeFactor { get; set; } = 4;

    /// <summary>…provided there were at least this many contact moments in the recent period ("now almost daily")…</summary>
    public int SurgeMinContacts { get; set; } = 4;

    /// <summary>…and the baseline holds at least this many, so there is a pattern of the customer's own to depart from.</summary>
    public int SurgeMinBaselineContacts { get; set; } = 2;

    /// <summary>A customer who usually makes contact at least this often per week…</summary>
    public double SilenceMinWeeklyContacts { get; set; } = 2;

    /// <summary>…measured over this many days before the last contact…</summary>
    public int SilenceBaselineDays { get; set; } = 56;

    /// <summary>…and has now been silent longer than this, is flagged.</summary>
    public int SilenceDays { get; set; } = 10;

    /// <summary>
    /// Discontent that persists: this many messages below the alarm level within <see cref="PersistentDays"/>, one of them in
    /// the current window, earn a point; one more earns two. On generated orgs repetition over months doubles to triples the
    /// chance that a real problem follows, where a single angry message does not.
    /// </summary>
    public int PersistentNegativeCount { get; set; } = 3;
    public int PersistentDays { get; set; } = 90;

    /// <summary>This many cases opened within <see cref="TicketBurstDays"/> is a burst (two points).</summary>
    public int TicketBurstCount { get; set; } = 5;
    public int TicketBurstDays { get; set; } = 7;

    /// <summary>Contact moments closer together than this are one moment (a case and the email that opened it).</summary>
    public double SameMomentHours { get; set; } = 2;

    /// <summary>Points needed for Orange; Yellow needs one point.</summary>
    public int OrangePoints { get; set; } = 2;

    /// <summary>Points needed for Red, which also needs at least <see cref="RedMinSignalKinds"/> kinds of signal.</summary>
    public int RedPoints { get; set; } = 4;
    public int RedMinSignalKinds { get; set; } = 2;

    public LevelResponse Yellow { get; set; } = new() { ResponseHours = 24, Owner = "Account manager", OwnerNl = "Accountmanager" };
    public LevelResponse Orange { get; set; } = new() { ResponseHours = 4, Owner = "Team lead", OwnerNl = "Teamleider" };
    public LevelResponse Red { get; set; } = new() { ResponseHours = 1, Owner = "Management", OwnerNl = "Management" };

    public LevelResponse Response(EarlyWarningLevel level) => level switch
    {
        EarlyWarningLevel.Yellow => Yellow,
        EarlyWarningLevel.Orange => Orange,
        EarlyWarningLevel.Red => Red,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "No response is due for level None."),
    };

    /// <summary>Longest look-back any rule needs, so a reader loads enough history and no more.</summary>
    public int LookbackDays => Math.Max(
        Math.Max(Math.Max(SentimentWindowDays, RepeatedNegativeDays), PersistentDays),
        Math.Max(FrequencyRecentDays + FrequencyBaselineDays, Math.Max(SilenceDays + SilenceBaselineDays, TicketBurstDays)) + 1);

    /// <summary>Problems a person can fix, one message each; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Require(bool ok, string message)
        {
            if (!ok)
                errors.Add($"{SectionName}: {message}");
        }
        Require(SentimentWindowDays >= 1, "SentimentWindowDays must be at least 1.");
        Require(SentimentWarnThreshold is > -1 and < 1, "SentimentWarnThreshold must lie in (-1, 1).");
        Require(SentimentAlarmThreshold > -1 && SentimentAlarmThreshold <= SentimentWarnThreshold, "SentimentAlarmThreshold must lie in (-1, SentimentWarnThreshold].");
        Require(MinMessagesForMean >= 1, "MinMessagesForMean must be at least 1.");
        Require(RepeatedNegativeCount >= 2 && RepeatedNegativeDays >= 1, "RepeatedNegativeCount must be at least 2 and RepeatedNegativeDays at least 1.");
        Require(RedFlagRepeatMessages >= 2, "RedFlagRepeatMessages must be at least 2: one term never raises an alert on its own.");
        Require(RedFlagCombinationFamilies >= 2, "RedFlagCombinationFamilies must be at least 2: one term never raises an alert on its own.");
        Require(FrequencyRecentDays >= 1 && FrequencyBaselineDays > FrequencyRecentDays, "FrequencyBaselineDays must exceed FrequencyRecentDays (>= 1).");
        Require(SurgeFactor > 1 && SurgeMinContacts >= 2 && SurgeMinBaselineContacts >= 1, "SurgeFactor must exceed 1, SurgeMinContacts be at least 2 and SurgeMinBaselineContacts at least 1.");
        Require(SilenceMinWeeklyContacts > 0 && SilenceBaselineDays >= 7 && SilenceDays >= 1, "Silence settings must be positive (SilenceBaselineDays >= 7).");
        Require(PersistentNegativeCount >= 2 && PersistentDays >= SentimentWindowDays, "PersistentNegativeCount must be at least 2 and PersistentDays at least SentimentWindowDays.");
        Require(TicketBurstCount >= 2 && TicketBurstDays >= 1, "TicketBurstCount must be at least 2 and TicketBurstDays at least 1.");
        Require(OrangePoints >= 2 && RedPoints > OrangePoints, "Points must satisfy 2 <= OrangePoints < RedPoints.");
        Require(RedMinSignalKinds >= 2, "RedMinSignalKinds must be at least 2: Red needs a combination of signals.");
        foreach (var (name, response) in new[] { ("Yellow", Yellow), ("Orange", Orange), ("Red", Red) })
            Require(response.ResponseHours > 0, $"{name}.ResponseHours must be positive.");
        Require(Yellow.ResponseHours >= Orange.ResponseHours && Orange.ResponseHours >= Red.ResponseHours,
            "Response times must not grow with the level (Yellow >= Orange >= Red).");
        return errors;
    }
}
