using System.Globalization;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.EarlyWarning;

/// <summary>
/// Turns a customer's recent communication into a level: sentiment over a rolling window, red-flag families, contact
/// frequency against the customer's own baseline and bursts of cases. Each signal earns points (1 warns, 2 alarms) and the
/// level comes from the total, so it rises with combination and repetition and never from a single term. Point-in-time:
/// nothing after <c>asOf</c> is read.
/// </summary>
public sealed class EarlyWarningEvaluator
{
    /// <summary>Red-flag terms in a message this positive are not flags ("thanks again!").</summary>
    private const double PositiveMessage = 0.25;

    private readonly EarlyWarningOptions _options;

    public EarlyWarningEvaluator(EarlyWarningOptions? options = null)
    {
        _options = options ?? new EarlyWarningOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
    }

    public EarlyWarningOptions Options => _options;

    /// <summary>
    /// Builds the input from a customer history (inbound emails and calls, cases) and per-activity sentiment scores; messages
    /// without a score count as neutral.
    /// </summary>
    public static CustomerCommunication FromHistory(CustomerHistory history, Func<Guid, double?> sentimentOf)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(sentimentOf);
        var messages = history.Activities.Where(a => !a.Outgoing)
            .Select(a => new InboundMessage(a.Id, a.On, a.MessageText, sentimentOf(a.Id) ?? 0))
            .ToList();
        return new CustomerCommunication(history.Contact.Id, messages, history.Cases.Select(c => c.CreatedOn).ToList());
    }

    /// <summary>
    /// The level for one customer at <paramref name="asOf"/>. <paramref name="calibration"/> (from agents' feedback on this
    /// customer's earlier alerts, see <see cref="AlertFeedbackCalibration"/>) moves the sentiment thresholds to the customer's
    /// own usual tone and asks more or less evidence per level; null means the product defaults.
    /// </summary>
    public EarlyWarningAssessment Evaluate(CustomerCommunication customer, DateTime asOf, CustomerCalibration? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(customer);
        calibration ??= CustomerCalibration.None;
        var signals = new List<EarlyWarningSignal>();
        var windowStart = asOf.AddDays(-_options.SentimentWindowDays);
        var window = customer.Messages.Where(m => m.On > windowStart && m.On <= asOf).OrderBy(m => m.On).ToList();
        double? mean = window.Count >= _options.MinMessagesForMean ? Math.Round(window.Average(m => m.Sentiment), 3) : null;

        if (SentimentSignal(customer, window, mean, asOf, calibration.SentimentShift) is { } sentiment)
            signals.Add(sentiment);
        if (PersistentSignal(customer, window, asOf, calibration.SentimentShift) is { } persistent)
            signals.Add(persistent);
        if (RedFlagSignal(window) is { } flags)
            signals.Add(flags);
        var moments = Moments(customer, asOf);
        if (SurgeSignal(moments, asOf) is { } surge)
            signals.Add(surge);
        if (SilenceSignal(moments, asOf) is { } silence)
            signals.Add(silence);
        if (TicketBurstSignal(customer, asOf) is { } burst)
            signals.Add(burst);

        var points = signals.Sum(s => s.Points);
        var kinds = signals.Select(s => s.Kind).Distinct().Count();
        // Evidence the customer's feedback history asks for on top of the defaults (never below one point for Yellow).
        var extra = calibration.ExtraPoints;
        var level = points >= _options.RedPoints + extra + calibration.RedExtraPoints && kinds >= _options.RedMinSignalKinds ? EarlyWarningLevel.Red
            : points >= Math.Max(1, _options.OrangePoints + extra + calibration.OrangeExtraPoints) ? EarlyWarningLevel.Orange
            : points >= Math.Max(1, 1 + extra) ? EarlyWarningLevel.Yellow
            : EarlyWarningLevel.None;
        var response = level == EarlyWarningLevel.None ? null : _options.Response(level);
        return new EarlyWarningAssessment(customer.ContactId, asOf, level, points, signals,
            mean ?? (window.Count > 0 ? Math.Round(window.Average(m => m.Sentiment), 3) : null), window.Count,
            response is null ? null : asOf.AddHours(response.ResponseHours), response?.Owner);
    }

    private EarlyWarningSignal? SentimentSignal(CustomerCommunication customer, List<InboundMessage> window, double? mean, DateTime asOf, double shift)
    {
        var days = _options.SentimentWindowDays;
        var alarm = _options.SentimentAlarmThreshold + shift;
        var warn = _options.SentimentWarnThreshold + shift;
        if (mean is { } m && m < alarm)
        {
            return new EarlyWarningSignal(SignalKind.NegativeSentiment, 2,
                $"The customer's last {Messages(window.Count)} (past {days} days) read as very negative.",
                $"De laatste {Berichten(window.Count)} van de klant (afgelopen {days} dagen) klinken zeer negatief.");
        }
        if (mean is { } w && w < warn)
        {
            return new EarlyWarningSignal(SignalKind.NegativeSentiment, 1,
                $"The customer's last {Messages(window.Count)} (past {days} days) read as negative on the whole.",
                $"De laatste {Berichten(window.Count)} van de klant (afgelopen {days} dagen) klinken overwegend negatief.");
        }
        var recentStart = asOf.AddDays(-_options.RepeatedNegativeDays);
        var negatives = customer.Messages.Count(x => x.On > recentStart && x.On <= asOf && x.Sentiment <= _options.NegativeMessageThreshold + shift);
        if (negatives >= _options.RepeatedNegativeCount)
        {
            return new EarlyWarningSignal(SignalKind.NegativeSentiment, 1,
                $"The customer sent {negatives} negative messages within {_options.RepeatedNegativeDays} days.",
                $"De klant stuurde {negatives} negatieve berichten binnen {_options.RepeatedNegativeDays} dagen.");
        }
        if (window.Count > 0 && window.Count < _options.MinMessagesForMean && window.Min(x => x.Sentiment) is var worst && worst < alarm)
        {
            return new EarlyWarningSignal(SignalKind.NegativeSentiment, 1,
                $"The customer sent a very negative message in the past {days} days.",
                $"De klant stuurde de afgelopen {days} dagen een zeer negatief bericht.");
        }
        return null;
    }

    private EarlyWarningSignal? PersistentSignal(CustomerCommunication customer, List<InboundMessage> window, DateTime asOf, double shift)
    {
        var alarm = _options.SentimentAlarmThreshold + shift;
        if (!window.Any(m => m.Sentiment < alarm))
            return null;
        var start = asOf.AddDays(-_options.PersistentDays);
        var count = customer.Messages.Count(m => m.On > start && m.On <= asOf && m.Sentiment < alarm);
        if (count < _options.PersistentNegativeCount)
            return null;
        var months = (int)Math.Round(_options.PersistentDays / 30.0);
        return new EarlyWarningSignal(SignalKind.PersistentDiscontent, count > _options.PersistentNegativeCount ? 2 : 1,
            $"This is not a one-off: the customer sent {count} very negative messages over the past {months} months.",
            $"Dit is geen incident: de klant stuurde de afgelopen {months} maanden {count} zeer negatieve berichten.");
    }

    private EarlyWarningSignal? RedFlagSignal(List<InboundMessage> window)
    {
        var perFamily = new Dictionary<RedFlagFamily, (int Messages, List<string> Terms)>();
        foreach (var message in window.Where(m => m.Sentiment < PositiveMessage))
        {
            foreach (var family in RedFlags.Detect(message.Text).GroupBy(h => h.Family))
            {
                var entry = perFamily.TryGetValue(family.Key, out var e) ? e : (Messages: 0, Terms: new List<string>());
                entry.Terms.AddRange(family.Select(h => h.Term).Where(t => !entry.Terms.Contains(t)));
                perFamily[family.Key] = (entry.Messages + 1, entry.Terms);
            }
        }
        var repeated = perFamily.Where(kv => kv.Value.Messages >= _options.RedFlagRepeatMessages).Select(kv => kv.Key).ToList();
        if (repeated.Count == 0 && perFamily.Count < _options.RedFlagCombinationFamilies)
            return null;
        var escalationRepeated = repeated.Contains(RedFlagFamily.Escalation);
        var points = perFamily.Count >= 3 || (escalationRepeated && perFamily.Count >= 2) ? 2 : 1;
        var ordered = perFamily.OrderBy(kv => kv.Key).ToList();
        string Terms(List<string> terms) => string.Join(", ", terms.Take(3).Select(t => $"\"{t}\""));
        var en = ordered.Select(kv => $"{FamilyEn(kv.Key)} in {Messages(kv.Value.Messages)} ({Terms(kv.Value.Terms)})");
        var nl = ordered.Select(kv => $"{FamilyNl(kv.Key)} in {Berichten(kv.Value.Messages)} ({Terms(kv.Value.Terms)})");
        return new EarlyWarningSignal(SignalKind.RedFlags, points,
            $"In the past {_options.SentimentWindowDays} days the customer {JoinEn(en)}.",
            $"In de afgelopen {_options.SentimentWindowDays} dagen {JoinNl(nl)}.");
    }

    /// <summary>Contact moments up to <paramref name="asOf"/>: inbound messages and cases, merged when close together.</summary>
    private List<DateTime> Moments(CustomerCommunication customer, DateTime asOf)
    {
        var times = customer.Messages.Select(m => m.On).Concat(customer.CasesOpenedOn).Where(t => t <= asOf).Order().ToList();
        var moments = new List<DateTime>(times.Count);
        foreach (var time in times)
        {
            if (moments.Count == 0 || (time - moments[^1]).TotalHours >= _options.SameMomentHours)
                moments.Add(time);
        }
        return moments;
    }

    private EarlyWarningSignal? SurgeSignal(List<DateTime> moments, DateTime asOf)
    {
        var recentStart = asOf.AddDays(-_options.FrequencyRecentDays);
        var baselineStart = recentStart.AddDays(-_options.FrequencyBaselineDays);
        var recent = moments.Count(t => t > recentStart);
        if (recent < _options.SurgeMinContacts)
            return null;
        var baseline = moments.Count(t => t > baselineStart && t <= recentStart);
        if (baseline < _options.SurgeMinBaselineContacts)
            return null;
        var recentPerWeek = recent * 7.0 / _options.FrequencyRecentDays;
        var usualPerWeek = baseline * 7.0 / _options.FrequencyBaselineDays;
        if (recentPerWeek < _options.SurgeFactor * usualPerWeek)
            return null;
        return new EarlyWarningSignal(SignalKind.ContactSurge, 1,
            $"The customer got in touch {recent} times in the past {_options.FrequencyRecentDays} days, where {WeeklyEn(usualPerWeek)} is usual for them.",
            $"De klant nam de afgelopen {_options.FrequencyRecentDays} dagen {recent} keer contact op, terwijl {WeeklyNl(usualPerWeek)} normaal is.");
    }

    private EarlyWarningSignal? SilenceSignal(List<DateTime> moments, DateTime asOf)
    {
        if (moments.Count == 0)
            return null;
        var last = moments[^1];
        var silentDays = (asOf - last).TotalDays;
        if (silentDays <= _options.SilenceDays)
            return null;
        var before = moments.Count(t => t > last.AddDays(-_options.SilenceBaselineDays));
        var perWeek = before * 7.0 / _options.SilenceBaselineDays;
        if (perWeek < _options.SilenceMinWeeklyContacts)
            return null;
        var days = (int)Math.Floor(silentDays);
        return new EarlyWarningSignal(SignalKind.Silence, 1,
            $"The customer has gone quiet for {days} days after getting in touch {WeeklyEn(perWeek)}.",
            $"De klant is al {days} dagen stil, na eerder {WeeklyNl(perWeek)} contact.");
    }

    private EarlyWarningSignal? TicketBurstSignal(CustomerCommunication customer, DateTime asOf)
    {
        var start = asOf.AddDays(-_options.TicketBurstDays);
        var cases = customer.CasesOpenedOn.Count(t => t > start && t <= asOf);
        if (cases < _options.TicketBurstCount)
            return null;
        return new EarlyWarningSignal(SignalKind.TicketBurst, 2,
            $"{cases} cases were opened for the customer in the past {_options.TicketBurstDays} days.",
            $"Er zijn de afgelopen {_options.TicketBurstDays} dagen {cases} zaken voor de klant geopend.");
    }

    private static string FamilyEn(RedFlagFamily family) => family switch
    {
        RedFlagFamily.Escalation => "threatened to escalate or leave",
        RedFlagFamily.Urgency => "pressed for urgent action",
        _ => "sounded unsure or confused",
    };

    private static string FamilyNl(RedFlagFamily family) => family switch
    {
        RedFlagFamily.Escalation => "dreigde de klant met escaleren of vertrekken",
        RedFlagFamily.Urgency => "drong de klant aan op spoed",
        _ => "klonk de klant onzeker of in verwarring",
    };

    private static string Messages(int count) => count == 1 ? "one message" : $"{count} messages";

    private static string Berichten(int count) => count == 1 ? "één bericht" : $"{count} berichten";

    private static string JoinEn(IEnumerable<string> parts) => JoinWith(parts.ToList(), " and ");

    private static string JoinNl(IEnumerable<string> parts) => JoinWith(parts.ToList(), " en ");

    private static string JoinWith(List<string> parts, string last) =>
        parts.Count <= 1 ? string.Concat(parts) : string.Join(", ", parts.Take(parts.Count - 1)) + last + parts[^1];

    /// <summary>A contact rate as people say it: "about twice a week", "less than once a week".</summary>
    private static string WeeklyEn(double perWeek) => Math.Round(perWeek) switch
    {
        < 1 => "less than once a week",
        1 => "about once a week",
        2 => "about twice a week",
        var n => $"about {n.ToString(CultureInfo.InvariantCulture)} times a week",
    };

    private static string WeeklyNl(double perWeek) => Math.Round(perWeek) switch
    {
        < 1 => "minder dan eens per week",
        1 => "ongeveer eens per week",
        var n => $"ongeveer {n.ToString(CultureInfo.InvariantCulture)} keer per week",
    };
}
