namespace RetentionInsights.Scoring.Sentiment;

/// <summary>
/// The built-in offline sentiment analyzer for Dutch and English customer messages (the default; Azure AI Language is the
/// production alternative): <see cref="SentimentModel"/> trained on the labelled corpus embedded in this assembly, on top of
/// the project's lexicon. Trained once per process on first use (a fraction of a second, fixed seed, so every process gets
/// the same weights). Score = P(positive) − P(negative) in [−1, 1]: −0.3 means the negative reading clearly outweighs the
/// positive one, −0.5 that it dominates. The label leans to negative (<see cref="SentimentModelSettings.NegativeOdds"/>).
/// </summary>
public sealed class OfflineSentimentAnalyzer : ISentimentAnalyzer
{
    public const string CorpusResource = "RetentionInsights.Scoring.Sentiment.messages-train.csv";

    private static readonly Lazy<SentimentModel> Default = new(() => SentimentModel.Train(EmbeddedCorpus()));

    private readonly SentimentModel? _model;

    /// <summary>The analyzer with the model trained on the embedded corpus.</summary>
    public OfflineSentimentAnalyzer()
    {
    }

    /// <summary>An analyzer over a model trained elsewhere (tests, cross-validation).</summary>
    public OfflineSentimentAnalyzer(SentimentModel model) => _model = model ?? throw new ArgumentNullException(nameof(model));

    private SentimentModel Model => _model ?? Default.Value;

    /// <summary>The labelled training messages shipped in the assembly.</summary>
    public static IReadOnlyList<LabelledMessage> EmbeddedCorpus()
    {
        using var stream = typeof(OfflineSentimentAnalyzer).Assembly.GetManifestResourceStream(CorpusResource)
            ?? throw new InvalidOperationException($"Embedded resource {CorpusResource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return LabelledMessageCsv.Read(reader, CorpusResource);
    }

    public ValueTask<IReadOnlyList<SentimentResult>> AnalyzeAsync(IReadOnlyList<SentimentDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var results = new SentimentResult[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var document = documents[i];
            var (score, language, label) = Analyze(document.Text ?? string.Empty, document.Language);
            results[i] = new SentimentResult(document.Id, score, language, label);
        }
        return ValueTask.FromResult<IReadOnlyList<SentimentResult>>(results);
    }

    /// <summary>Score in [−1, 1], language and label of one text; <paramref name="language"/> "nl"/"en" or null to detect.</summary>
    public (double Score, string Language, string Label) Analyze(string text, string? language = null)
    {
        // Tokenised once: the language detection and the model read the same tokens.
        var tokens = TextTokenizer.Tokenize(text);
        var lang = LanguageDetector.Normalize(language) ?? LanguageDetector.Detect(tokens);
        if (string.IsNullOrWhiteSpace(text))
            return (0, lang, SentimentLabels.Neutral);
        var (negative, neutral, positive) = Model.Predict(tokens, text, lang);
        return (Math.Round(positive - negative, 4), lang, Model.Label(negative, neutral, positive));
    }
}
