namespace RetentionInsights.Scoring.Sentiment;

/// <summary>Knobs of the learned sentiment model. Defaults were chosen by cross-validation on the training corpus only.</summary>
public sealed record SentimentModelSettings
{
    /// <summary>Hashed feature space of 2^bits; collisions are rare at this size for a few thousand messages.</summary>
    public int HashBits { get; init; } = 18;

    /// <summary>Passes over the training corpus.</summary>
    public int Epochs { get; init; } = 15;

    public double LearningRate { get; init; } = 0.1;

    /// <summary>L2 penalty per update: keeps any single phrase of the corpus from deciding on its own.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Shortest and longest character n-gram taken from each word (with its boundaries).</summary>
    public int MinCharGram { get; init; } = 3;
    public int MaxCharGram { get; init; } = 5;

    /// <summary>Weight of each character n-gram relative to a whole word.</summary>
    public double CharGramWeight { get; init; } = 0.3;

    /// <summary>Scale of the dense lexicon and punctuation cues relative to the unit-length text features.</summary>
    public double DenseScale { get; init; } = 1;

    /// <summary>How many words after a negator are read as negated, unless a clause ends first.</summary>
    public int NegationScope { get; init; } = 3;

    /// <summary>
    /// The label is negative once P(negative) reaches this share of the larger other probability: an angry customer the
    /// early warning misses costs more than a second look at a neutral message (0.6 chosen by cross-validation on the training
    /// corpus: negative recall up, macro-F1 unchanged).
    /// </summary>
    public double NegativeOdds { get; init; } = 0.6;

    /// <summary>Seed of the example order; training is deterministic for a given corpus and settings.</summary>
    public int Seed { get; init; } = 17;
}

/// <summary>
/// A multinomial logistic regression over three kinds of evidence: hashed words (negated words marked as such within their
/// scope, and words after a "maar"/"but" contrast marked as the point of the message), word pairs and character n-grams
/// (which carry Dutch compounds, diminutives and inflections to words the corpus never had), plus the lexicon's positive and
/// negative sums and punctuation cues. The lexicon generalises to words and phrasing the corpus does not contain; the
/// learned weights recalibrate it and add what word lists miss (politeness masking a complaint, sarcasm, domain phrasing).
/// </summary>
public sealed class SentimentModel
{
    private const int Classes = 3;
    private const int DenseFeatures = 10;
    private static readonly string[] ClassLabels = [SentimentLabels.Negative, SentimentLabels.Neutral, SentimentLabels.Positive];

    private readonly SentimentModelSettings _settings;
    private readonly LexiconSentimentAnalyzer _lexicon = new();
    private readonly int _mask;
    private readonly int _dimension;
    /// <summary>Weights by feature, then class: the three weights of a feature share a cache line, and a text touches a few
    /// hundred features scattered over 2^HashBits.</summary>
    private readonly double[] _weights;

    private SentimentModel(SentimentModelSettings settings)
    {
        _settings = settings;
        _mask = (1 << settings.HashBits) - 1;
        _dimension = (1 << settings.HashBits) + DenseFeatures + 1;
        _weights = new double[Classes * _dimension];
    }

    public SentimentModelSettings Settings => _settings;

    /// <summary>Trains on labelled messages. Deterministic: the same corpus and settings give the same weights.</summary>
    public static SentimentModel Train(IReadOnlyList<LabelledMessage> corpus, SentimentModelSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        settings ??= new SentimentModelSettings();
        if (settings.HashBits is < 10 or > 24)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.HashBits, "HashBits must be between 10 and 24.");
        if (corpus.Count == 0)
            throw new ArgumentException("The training corpus is empty.", nameof(corpus));
        var model = new SentimentModel(settings);
        var examples = corpus.Select(m => (Features: model.Features(m.Text, m.Language), Class: Array.IndexOf(ClassLabels, m.Label))).ToArray();
        if (examples.Any(e => e.Class < 0))
            throw new ArgumentException("Every training label must be negative, neutral or positive.", nameof(corpus));

        // Classes weigh equally however many examples each has.
        var counts = new double[Classes];
        foreach (var e in examples)
            counts[e.Class]++;
        var classWeight = counts.Select(c => c == 0 ? 0 : examples.Length / (Classes * c)).ToArray();

        // AdaGrad: rare features (most of the n-grams) keep a larger step than frequent ones.
        var squares = new double[model._weights.Length];
        var order = Enumerable.Range(0, examples.Length).ToArray();
        var random = new Random(settings.Seed);
        var probabilities = new double[Classes];
        for (var epoch = 0; epoch < settings.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var index in order)
            {
                var (features, cls) = examples[index];
                model.Probabilities(features, probabilities);
                for (var c = 0; c < Classes; c++)
                {
                    var error = ((c == cls ? 1 : 0) - probabilities[c]) * classWeight[cls];
                    foreach (var (feature, value) in features)
                    {
                        var k = feature * Classes + c;
                        var gradient = error * value - settings.L2 * model._weights[k];
                        squares[k] += gradient * gradient;
                        model._weights[k] += settings.LearningRate * gradient / (Math.Sqrt(squares[k]) + 1e-8);
                    }
                }
            }
        }
        return model;
    }

    /// <summary>Probabilities of negative, neutral and positive for one text in "nl" or "en".</summary>
    public (double Negative, double Neutral, double Positive) Predict(string text, string language) =>
        Predict(TextTokenizer.Tokenize(text ?? string.Empty), text ?? string.Empty, language);

    /// <summary><see cref="Predict(string, string)"/> of a text already tokenised (<see cref="TextTokenizer.Tokenize"/>).</summary>
    public (double Negative, double Neutral, double Positive) Predict(List<Token> tokens, string text, string language)
    {
        Span<double> probabilities = stackalloc double[Classes];
        Probabilities(Features(tokens, text, language), probabilities);
        return (probabilities[0], probabilities[1], probabilities[2]);
    }

    /// <summary>The label the probabilities stand for, leaning to negative as <see cref="SentimentModelSettings.NegativeOdds"/> says.</summary>
    public string Label(double negative, double neutral, double positive) =>
        negative >= _settings.NegativeOdds * Math.Max(neutral, positive) ? SentimentLabels.Negative
        : positive > neutral ? SentimentLabels.Positive
        : SentimentLabels.Neutral;

    private void Probabilities(List<(int Feature, double Value)> features, Span<double> probabilities)
    {
        // One pass over the features for the three classes (their weights share a cache line); each class's sum adds the
        // features in the same order as a pass of its own would.
        double negative = 0, neutral = 0, positive = 0;
        foreach (var (feature, value) in features)
        {
            var k = feature * Classes;
            negative += _weights[k] * value;
            neutral += _weights[k + 1] * value;
            positive += _weights[k + 2] * value;
        }
        probabilities[0] = negative;
        probabilities[1] = neutral;
        probabilities[2] = positive;
        var max = Math.Max(Math.Max(negative, neutral), positive);
        var total = 0.0;
        for (var c = 0; c < Classes; c++)
        {
            probabilities[c] = Math.Exp(probabilities[c] - max);
            total += probabilities[c];
        }
        for (var c = 0; c < Classes; c++)
            probabilities[c] /= total;
    }

    /// <summary>Sparse feature vector: hashed text features scaled to unit length, then the dense cues and a bias.</summary>
    internal List<(int Feature, double Value)> Features(string text, string language) => Features(TextTokenizer.Tokenize(text), text, language);

    /// <summary>
    /// <see cref="Features(string, string)"/> of tokenised text. Each hashed feature is named by a prefix and its words
    /// ("w:" + word, "b:" + previous + "_" + word, "c:" + n-gram): the hash runs over those characters in place, so no name
    /// is built as a string (a message has a few hundred of them, and building them was most of the cost of analysing it).
    /// </summary>
    internal List<(int Feature, double Value)> Features(List<Token> tokens, string text, string language)
    {
        var lexicon = SentimentLexicon.For(language);
        using var hashed = HashedFeatures.Rent(_mask + 1);
        void Add(uint hash, double weight = 1) => hashed.Add((int)(hash & (uint)_mask), weight);

        var negatedFor = 0;
        var afterContrast = false;
        var previous = "<s>";
        foreach (var token in tokens)
        {
            if (token.Kind != TokenKind.Word)
            {
                negatedFor = 0;
                previous = "<s>";
                if (token.Kind == TokenKind.SentenceBreak)
                    afterContrast = false;
                continue;
            }
            var word = token.Text;
            if (lexicon.Negators.Contains(word) || word.EndsWith("n't", StringComparison.Ordinal))
            {
                Add(Fnv(WordPrefix, word));
                negatedFor = _settings.NegationScope;
                previous = word;
                continue;
            }
            if (lexicon.Contrasts.Contains(word))
            {
                afterContrast = true;
                negatedFor = 0;
            }
            Add(Fnv(negatedFor > 0 ? NegatedPrefix : WordPrefix, word));
            if (afterContrast)
                Add(Fnv(AfterContrastPrefix, word), 0.5);
            Add(Fnv(Fnv(Fnv(PairPrefix, previous), "_"), word));
            if (token.Shouted)
                Add(Shout);
            CharGrams(word, hashed);
            if (negatedFor > 0)
                negatedFor--;
            previous = word;
        }
        Add(Fnv(LanguagePrefix, language));

        var features = new List<(int, double)>(hashed.Count + DenseFeatures + 1);
        hashed.MoveTo(features);

        // Dense cues, each roughly in [−1, 1]: what the lexicon read and how the text is punctuated.
        var evidence = _lexicon.Evidence(tokens, LanguageDetector.Normalize(language) ?? LanguageDetector.Detect(tokens));
        var exclamations = tokens.Count(t => t.Kind == TokenKind.SentenceBreak && t.Text == "!");
        var questions = tokens.Count(t => t.Kind == TokenKind.SentenceBreak && t.Text == "?");
        var dense = new[]
        {
            evidence.Score,
            Squash(evidence.Positive),
            Squash(evidence.Negative),
            // Praise and complaint together: sarcasm ("great, another bill") or a polite wrapper around a complaint.
            Squash(Math.Min(evidence.Positive, evidence.Negative)),
            evidence.Positive > 0 && evidence.Negative == 0 ? 1 : 0,
            evidence.Negative > 0 && evidence.Positive == 0 ? 1 : 0,
            Math.Min(3, exclamations) / 3.0,
            questions > 0 ? 1 : 0,
            text.Contains("?!", StringComparison.Ordinal) || text.Contains("!?", StringComparison.Ordinal) || text.Contains("??", StringComparison.Ordinal) ? 1 : 0,
            text.Contains("...", StringComparison.Ordinal) || text.Contains('…') ? 1 : 0,
        };
        var first = 1 << _settings.HashBits;
        for (var i = 0; i < dense.Length; i++)
        {
            if (dense[i] != 0)
                features.Add((first + i, dense[i] * _settings.DenseScale));
        }
        features.Add((first + DenseFeatures, 1));
        return features;
    }

    /// <summary>Adds "c:" + every n-gram of "&lt;word&gt;" with the character n-gram weight.</summary>
    private void CharGrams(string word, HashedFeatures hashed)
    {
        if (word.Length < 3 || IsAllDigits(word))
            return;
        Span<char> padded = word.Length <= 254 ? stackalloc char[word.Length + 2] : new char[word.Length + 2];
        padded[0] = '<';
        word.AsSpan().CopyTo(padded[1..]);
        padded[^1] = '>';
        for (var n = _settings.MinCharGram; n <= _settings.MaxCharGram; n++)
        {
            for (var i = 0; i + n <= padded.Length; i++)
            {
                hashed.Add((int)(Fnv(CharGramPrefix, padded.Slice(i, n)) & (uint)_mask), _settings.CharGramWeight);
            }
        }
    }

    private static bool IsAllDigits(string word)
    {
        foreach (var c in word)
        {
            if (!char.IsDigit(c))
                return false;
        }
        return true;
    }

    private static double Squash(double mass) => mass / (mass + 3);

    /// <summary>
    /// The hashed features of one text as they are added up: a value per hash bucket, and the buckets in the order they were
    /// first touched. Rented for one text and returned, so there are as many as texts analysed at once (a few megabytes each),
    /// however many threads the process has: a message adds a few hundred features, and a dictionary built for each (with
    /// its growth and its keys sorted out of it) was most of the cost of analysing it. The arithmetic is the dictionary's:
    /// each bucket starts at its first weight and adds the next ones in the same order, and the norm sums the squares in
    /// first-touched order.
    /// </summary>
    private sealed class HashedFeatures(int buckets) : IDisposable
    {
        private static readonly System.Collections.Concurrent.ConcurrentBag<HashedFeatures> Idle = [];

        private readonly double[] _values = new double[buckets];
        /// <summary>The text each bucket was last touched by (a bucket of an older text counts as empty: no clearing).</summary>
        private readonly int[] _stamps = new int[buckets];
        private readonly List<int> _touched = new(512);
        private int _text;

        public int Count => _touched.Count;

        /// <summary>An empty accumulator for a model of <paramref name="buckets"/> hash buckets.</summary>
        public static HashedFeatures Rent(int buckets)
        {
            if (!Idle.TryTake(out var features) || features._values.Length != buckets)
                features = new HashedFeatures(buckets);
            features._touched.Clear();
            if (++features._text == int.MaxValue)
            {
                Array.Clear(features._stamps);
                features._text = 1;
            }
            return features;
        }

        /// <summary>Back to the idle ones (a few at most: as many as texts were analysed at once).</summary>
        public void Dispose() => Idle.Add(this);

        public void Add(int bucket, double weight)
        {
            if (_stamps[bucket] != _text)
            {
                _stamps[bucket] = _text;
                _values[bucket] = 0;
                _touched.Add(bucket);
            }
            _values[bucket] += weight;
        }

        /// <summary>Appends the features scaled to unit length, in bucket order.</summary>
        public void MoveTo(List<(int Feature, double Value)> features)
        {
            var squares = 0.0;
            foreach (var bucket in _touched)
                squares += _values[bucket] * _values[bucket];
            var norm = Math.Sqrt(squares);
            _touched.Sort();
            foreach (var bucket in _touched)
                features.Add((bucket, _values[bucket] / norm));
        }
    }

    /// <summary>FNV-1a: stable across processes and platforms, unlike string.GetHashCode.</summary>
    internal static uint Fnv(string text) => Fnv(FnvOffset, text);

    /// <summary>FNV-1a continued over more characters: Fnv(Fnv(a), b) is Fnv(a + b), so a feature's name need not be built.</summary>
    internal static uint Fnv(uint hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }

    private const uint FnvOffset = 2166136261u;
    private static readonly uint WordPrefix = Fnv("w:");
    private static readonly uint NegatedPrefix = Fnv("n:");
    private static readonly uint AfterContrastPrefix = Fnv("a:");
    private static readonly uint PairPrefix = Fnv("b:");
    private static readonly uint CharGramPrefix = Fnv("c:");
    private static readonly uint LanguagePrefix = Fnv("lang:");
    private static readonly uint Shout = Fnv("shout");
}
