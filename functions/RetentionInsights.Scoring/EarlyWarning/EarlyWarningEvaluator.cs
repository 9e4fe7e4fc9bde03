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
            .Select(a => new InboundMessage(a.Id, a.On, Join(a.Subject, a.Text), sentimentOf(a.Id) ?? 0))
            .ToList();
        return new CustomerCommunication(history.Contact.Id, messages, history.Cases.Select(c => c.CreatedOn).ToList());
    }

    /// <summary>Subject and body as one text: a subject like "URGENT: meter reading" carries signal too.</summary>
    public static string? Join(string? subject, string? body) =>
        string.IsNullOrWhiteSpace(subject) ? body : string.IsNullOrWhiteSpace(body) ? subject : subject + ".\n" + body;

    public EarlyWarningAssessment Evaluate(CustomerCommunication customer, DateTime asOf)
    {
        ArgumentNullException.ThrowIfNull(customer);
        var signals = new List<EarlyWarningSignal>();
        var windowStart = asOf.AddDays(-_options.SentimentWindowDays);
        var window = customer.Messages.Where(m => m.On > windowStart && m.On <= asOf).OrderBy(m => m.On).ToList();
        double? mean = window.Count >= _options.MinMessagesForMean ? Math.Round(window.Average(m => m.Sentiment), 3) : null;

        if (SentimentSignal(customer, window, mean, asOf) is { } sentiment)
            signals.Add(sentiment);
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
        var level = points >= _options.RedPoints && kinds >= _options.RedMinSignalKinds ? EarlyWarningLevel.Red
            : points >= _options.OrangePoints ? EarlyWarningLevel.Orange
            : points >= 1 ? EarlyWarningLevel.Yellow
            : EarlyWarningLevel.None;
        var response = level == EarlyWarningLevel.None ? null : _options.Response(level);
        return new EarlyWarningAssessment(customer.ContactId, asOf, level, points, signals,
            mean ?? (window.Count > 0 ? Math.Round(window.Average(m => m.Sentiment), 3) : null), window.Count,
            response is null ? null : asOf.AddHours(response.ResponseHours), response?.Owner);
    }

    private EarlyWarningSignal? SentimentSignal(CustomerCommunication customer, List<InboundMessage> window, double? mean, DateTime asOf)
    {
        var days = _options.SentimentWindowDays;
        if (mean is { } m && m < _options.SentimentAlarmThreshold)
        {
            return new EarlyWarningSignal(SignalKind.NegativeSentiment, 2,
                $"Mean sentiment of {window.Count} inbound messages in the last {days} days is {En(m)}, below the alarm level {En(_options.SentimentAlarmThreshold)}.",
                $"Gemiddeld sentiment van {window.Count} inkomende berichten in de afgelopen {days} dagen is {Nl(m)}, onder de alarmgrens {Nl(_options.SentimentAlarmThreshold)}.");
        }
        if (mean is { } w && w < _options.SentimentWarnThreshold)
        {
            return new EarlyWarningSignal(SignalKind.NegativeSentiment, 1,
                $"Mean sentiment of {window.Count} inbound messages in the last {days} days is {En(w)}, below the warning level {En(_options.SentimentWarnThreshold)}.",
                $"Gemiddeld sentiment van {window.Count} inkomende berichten in de afgelopen {days} dagen is {Nl(w)}, onder de waarschuwingsgrens {Nl(_options.SentimentWarnThreshold)}.");
        }
        var recentStart = asOf.AddDays(-_options.RepeatedNegativeDays);
        var negatives = customer.Messages.Count(x => x.On > recentStart && x.On <= asOf && x.Sentiment <= _options.NegativeMessageThreshold);
        if (negatives >= _options.RepeatedNegativeCount)
        {
            return new EarlyWarningSignal(SignalKind.NegativeSentiment, 1,
                $"{negatives} negative messages within {_options.RepeatedNegativeDays} days.",
                $"{negatives} negatieve berichten binnen {_options.RepeatedNegativeDays} dagen.");
        }
        if (window.Count > 0 && window.Count < _options.MinMessagesForMean && window.Min(x => x.Sentiment) is var worst && worst < _options.SentimentAlarmThreshold)
        {
            return new EarlyWarningSignal(SignalKind.NegativeSentiment, 1,
                $"A strongly negative message ({En(worst)}) in the last {days} days.",
                $"Een sterk negatief bericht ({Nl(worst)}) in de afgelopen {days} dagen.");
        }
        return null;
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
        string Describe(Func<RedFlagFamily, string> name) => string.Join("; ", ordered.Select(kv =>
            $"{name(kv.Key)} ({kv.Value.Messages}×: {string.Join(", ", kv.Value.Terms.Take(3).Select(t => $"\"{t}\""))})"));
        return new EarlyWarningSignal(SignalKind.RedFlags, points,
            $"Red flags in the last {_options.SentimentWindowDays} days: {Describe(FamilyEn)}.",
            $"Rode vlaggen in de afgelopen {_options.SentimentWindowDays} dagen: {Describe(FamilyNl)}.");
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
            $"{recent} contact moments in the last {_options.FrequencyRecentDays} days (usually {En(usualPerWeek)} a week over the previous {_options.FrequencyBaselineDays} days).",
            $"{recent} contactmomenten in de afgelopen {_options.FrequencyRecentDays} dagen (normaal {Nl(usualPerWeek)} per week in de {_options.FrequencyBaselineDays} dagen daarvoor).");
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
            $"Silent for {days} days after usually {En(perWeek)} contact moments a week.",
            $"Al {days} dagen stil, terwijl de klant normaal {Nl(perWeek)} keer per week contact had.");
    }

    private EarlyWarningSignal? TicketBurstSignal(CustomerCommunication customer, DateTime asOf)
    {
        var start = asOf.AddDays(-_options.TicketBurstDays);
        var cases = customer.CasesOpenedOn.Count(t => t > start && t <= asOf);
        if (cases < _options.TicketBurstCount)
            return null;
        return new EarlyWarningSignal(SignalKind.TicketBurst, 2,
            $"{cases} cases opened in the last {_options.TicketBurstDays} days.",
            $"{cases} zaken geopend in de afgelopen {_options.TicketBurstDays} dagen.");
    }

    private static string FamilyEn(RedFlagFamily family) => family switch
    {
        RedFlagFamily.Escalation => "escalation",
        RedFlagFamily.Urgency => "urgency",
        _ => "uncertainty",
    };

    private static string FamilyNl(RedFlagFamily family) => family switch
    {
        RedFlagFamily.Escalation => "escalatie",
        RedFlagFamily.Urgency => "urgentie",
        _ => "onzekerheid",
    };

    private static string En(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    // Dutch readers expect a decimal comma; the process runs with invariant globalization, so it is set by hand.
    private static string Nl(double value) => En(value).Replace('.', ',');
}
