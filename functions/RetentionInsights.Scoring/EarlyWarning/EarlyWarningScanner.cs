using RetentionInsights.Data.Alerts;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Scoring.EarlyWarning;

/// <summary>
/// Runs the early warning over many customers: scores every inbound message once (batched through the configured
/// <see cref="ISentimentAnalyzer"/>), then evaluates each customer at one or more as-of dates from those scores.
/// </summary>
public sealed class EarlyWarningScanner
{
    private readonly ISentimentAnalyzer _analyzer;
    private readonly EarlyWarningEvaluator _evaluator;

    public EarlyWarningScanner(ISentimentAnalyzer analyzer, EarlyWarningEvaluator evaluator)
    {
        _analyzer = analyzer ?? throw new ArgumentNullException(nameof(analyzer));
        _evaluator = evaluator ?? throw new ArgumentNullException(nameof(evaluator));
    }

    public EarlyWarningEvaluator Evaluator => _evaluator;

    /// <summary>Sentiment of every inbound message (subject and body together), keyed by activity id.</summary>
    public async Task<IReadOnlyDictionary<Guid, double>> ScoreMessagesAsync(IReadOnlyList<ContactCommunicationRows> customers, int batchSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var scores = new Dictionary<Guid, double>();
        var batch = new List<SentimentDocument>(batchSize);
        foreach (var activity in customers.SelectMany(c => c.Activities))
        {
            var text = activity.MessageText;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            batch.Add(new SentimentDocument(activity.Id.ToString("N"), text));
            if (batch.Count >= batchSize)
                await FlushAsync();
        }
        await FlushAsync();
        return scores;

        async Task FlushAsync()
        {
            if (batch.Count == 0)
                return;
            foreach (var result in await _analyzer.AnalyzeAsync(batch, cancellationToken))
                scores[Guid.ParseExact(result.Id, "N")] = Math.Clamp(result.Score, -1, 1);
            batch.Clear();
        }
    }

    /// <summary>
    /// Evaluates every customer in <paramref name="customers"/> accepted by <paramref name="include"/> at <paramref name="asOf"/>,
    /// each calibrated by the agents' feedback known at that date when <paramref name="feedback"/> is given.
    /// </summary>
    public IReadOnlyList<EarlyWarningAssessment> Assess(
        IReadOnlyList<ContactCommunicationRows> customers,
        IReadOnlyDictionary<Guid, double> sentiment,
        DateTime asOf,
        Func<Guid, bool>? include = null,
        AlertFeedbackCalibration? feedback = null)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(sentiment);
        var assessments = new List<EarlyWarningAssessment>(customers.Count);
        foreach (var customer in customers)
        {
            if (include is not null && !include(customer.ContactId))
                continue;
            var messages = customer.Activities.Where(a => !a.Outgoing && a.On <= asOf)
                .Select(a => new InboundMessage(a.Id, a.On, a.MessageText, sentiment.TryGetValue(a.Id, out var s) ? s : 0))
                .ToList();
            var cases = customer.Cases.Select(c => c.CreatedOn).Where(t => t <= asOf).ToList();
            assessments.Add(_evaluator.Evaluate(new CustomerCommunication(customer.ContactId, messages, cases), asOf, feedback?.For(customer.ContactId, asOf)));
        }
        return assessments;
    }
}
