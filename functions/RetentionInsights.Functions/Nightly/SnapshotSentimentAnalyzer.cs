using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// Answers sentiment from the snapshot (each message analysed once, the night it first appeared) and sends only messages
/// it has not seen to the real analyzer, whose answers it keeps. With Azure AI Language every analysis is a billed call.
/// The scorer looks known messages up by id (<see cref="IKnownSentiment"/>), so only new ones become documents.
/// </summary>
public sealed class SnapshotSentimentAnalyzer(FeatureSnapshot snapshot, ISentimentAnalyzer analyzer) : ISentimentAnalyzer, IKnownSentiment
{
    private long _analysed;

    /// <summary>Messages sent to the real analyzer through this instance.</summary>
    public long Analysed => Interlocked.Read(ref _analysed);

    public bool TryGetKnown(Guid messageId, out double score)
    {
        lock (snapshot.Sentiment)
            return snapshot.Sentiment.TryGetValue(messageId, out score);
    }

    public async ValueTask<IReadOnlyList<SentimentResult>> AnalyzeAsync(IReadOnlyList<SentimentDocument> documents, CancellationToken cancellationToken = default)
    {
        var results = new SentimentResult?[documents.Count];
        var missing = new List<(int Index, SentimentDocument Document)>();
        lock (snapshot.Sentiment)
        {
            for (var i = 0; i < documents.Count; i++)
            {
                if (Guid.TryParseExact(documents[i].Id, "N", out var id) && snapshot.Sentiment.TryGetValue(id, out var score))
                    results[i] = new SentimentResult(documents[i].Id, score, string.Empty, string.Empty);
                else
                    missing.Add((i, documents[i]));
            }
        }
        if (missing.Count > 0)
        {
            Interlocked.Add(ref _analysed, missing.Count);
            var answered = await analyzer.AnalyzeAsync(missing.Select(m => m.Document).ToList(), cancellationToken);
            var byId = answered.ToDictionary(a => a.Id, StringComparer.Ordinal);
            lock (snapshot.Sentiment)
            {
                foreach (var (index, document) in missing)
                {
                    if (!byId.TryGetValue(document.Id, out var result))
                        continue;
                    results[index] = result;
                    if (Guid.TryParseExact(document.Id, "N", out var id))
                        snapshot.Sentiment[id] = Math.Clamp(result.Score, -1, 1);
                }
            }
        }
        return results.Where(r => r is not null).Select(r => r!).ToList();
    }
}
