using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Scoring.EarlyWarning;

public enum EarlyWarningLevel
{
    None = 0,
    Yellow = 1,
    Orange = 2,
    Red = 3,
}

public enum SignalKind
{
    NegativeSentiment,
    RedFlags,
    ContactSurge,
    Silence,
    TicketBurst,
    /// <summary>Strongly negative messages recurring over months, not just in the current window.</summary>
    PersistentDiscontent,
}

/// <summary>One reason behind an alert, readable by an agent in English and Dutch. <see cref="Points"/>: 1 warns, 2 alarms.</summary>
public sealed record EarlyWarningSignal(SignalKind Kind, int Points, string TextEn, string TextNl);

/// <summary>An inbound message (email or call note) of the customer with its sentiment in [−1, 1].</summary>
public sealed record InboundMessage(Guid Id, DateTime On, string? Text, double Sentiment);

/// <summary>What the early warning needs to know about one customer: inbound messages and the creation times of cases.</summary>
public sealed record CustomerCommunication(Guid ContactId, IReadOnlyList<InboundMessage> Messages, IReadOnlyList<DateTime> CasesOpenedOn);

/// <summary>The early-warning verdict for one customer at one moment.</summary>
public sealed record EarlyWarningAssessment(
    Guid ContactId,
    DateTime AsOf,
    EarlyWarningLevel Level,
    int Points,
    IReadOnlyList<EarlyWarningSignal> Signals,
    double? MeanSentiment,
    int MessagesInWindow,
    DateTime? DueBy,
    string? Owner)
{
    public bool RaisesAlert => Level != EarlyWarningLevel.None;

    /// <summary>The signals as text for rtn_signals: English lines, then Dutch lines, so both audiences read their own.</summary>
    public string SignalsText()
    {
        if (Signals.Count == 0)
            return string.Empty;
        var en = string.Join("\n", Signals.Select(s => "• " + s.TextEn));
        var nl = string.Join("\n", Signals.Select(s => "• " + s.TextNl));
        return $"{en}\n—\n{nl}";
    }
}

public static class EarlyWarningLevels
{
    /// <summary>Option value of rtn_earlywarninglevel for a level.</summary>
    public static int ToChoice(this EarlyWarningLevel level) => level switch
    {
        EarlyWarningLevel.None => Names.Choices.WarningNone,
        EarlyWarningLevel.Yellow => Names.Choices.WarningYellow,
        EarlyWarningLevel.Orange => Names.Choices.WarningOrange,
        EarlyWarningLevel.Red => Names.Choices.WarningRed,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    public static EarlyWarningLevel FromChoice(int value) => value switch
    {
        Names.Choices.WarningNone => EarlyWarningLevel.None,
        Names.Choices.WarningYellow => EarlyWarningLevel.Yellow,
        Names.Choices.WarningOrange => EarlyWarningLevel.Orange,
        Names.Choices.WarningRed => EarlyWarningLevel.Red,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Not an rtn_earlywarninglevel option value."),
    };
}
