using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Scoring.Features;

/// <summary>
/// Per-message sentiment scores in [−1, 1] keyed by activity id, computed once (by an <see cref="ISentimentAnalyzer"/>) and
/// then read by the feature builder for every snapshot — analysing text is far slower than building features.
/// </summary>
public sealed class MessageSentiment
{
    public static readonly MessageSentiment None = new(new Dictionary<Guid, double>());

    private readonly IReadOnlyDictionary<Guid, double> _scores;

    public MessageSentiment(IReadOnlyDictionary<Guid, double> scores) => _scores = scores;

    public int Count => _scores.Count;

    public bool TryGet(Guid activityId, out double score) => _scores.TryGetValue(activityId, out score);

    /// <summary>Scores every inbound message with text in <paramref name="histories"/>, in batches of <paramref name="batchSize"/>.</summary>
    public static async Task<MessageSentiment> ComputeAsync(ISentimentAnalyzer analyzer, IEnumerable<CustomerHistory> histories, int batchSize = 500, CancellationToken cancellationToken = default)
    {
        var scores = new Dictionary<Guid, double>();
        var batch = new List<SentimentDocument>(batchSize);
        foreach (var activity in histories.SelectMany(h => h.Activities).Where(a => !a.Outgoing && a.HasMessageText))
        {
            batch.Add(new SentimentDocument(activity.Id.ToString("N"), activity.MessageText!));
            if (batch.Count == batchSize)
                await Flush();
        }
        await Flush();
        return new MessageSentiment(scores);

        async Task Flush()
        {
            if (batch.Count == 0)
                return;
            foreach (var result in await analyzer.AnalyzeAsync(batch, cancellationToken))
                scores[Guid.ParseExact(result.Id, "N")] = Math.Clamp(result.Score, -1, 1);
            batch.Clear();
        }
    }
}
