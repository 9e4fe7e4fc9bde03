namespace RetentionInsights.Scoring.Sentiment;

/// <summary>One message to analyse. <see cref="Language"/> is "nl" or "en" when known; null lets the analyzer detect it.</summary>
public sealed record SentimentDocument(string Id, string Text, string? Language = null);

/// <summary>Sentiment of one message: <see cref="Score"/> in [-1, 1] (negative to positive), label negative/neutral/positive.</summary>
public sealed record SentimentResult(string Id, double Score, string Language, string Label);

/// <summary>
/// The seam between the engine and a sentiment service: the built-in offline nl/en analyzer (default) or Azure AI Language
/// over REST, chosen by configuration.
/// </summary>
public interface ISentimentAnalyzer
{
    ValueTask<IReadOnlyList<SentimentResult>> AnalyzeAsync(IReadOnlyList<SentimentDocument> documents, CancellationToken cancellationToken = default);
}

/// <summary>
/// An analyzer that already holds the sentiment of many messages (analysed before and kept, like the nightly feature
/// snapshot): a scorer asks it by message id first and sends only the other messages through
/// <see cref="ISentimentAnalyzer.AnalyzeAsync"/>, so a known message costs a lookup, not a document and an answer.
/// </summary>
public interface IKnownSentiment
{
    /// <summary>The kept score in [−1, 1] of <paramref name="messageId"/>, if it was analysed before.</summary>
    bool TryGetKnown(Guid messageId, out double score);
}
