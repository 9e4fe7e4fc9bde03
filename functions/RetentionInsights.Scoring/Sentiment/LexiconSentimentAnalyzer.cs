namespace RetentionInsights.Scoring.Sentiment;

/// <summary>Tuning knobs of the offline analyzer. Defaults were tuned on the tuning half of the project's labelled corpus only.</summary>
public sealed record LexiconAnalyzerSettings
{
    /// <summary>Scores at or above this are labelled positive.</summary>
    public double PositiveThreshold { get; init; } = 0.25;

    /// <summary>Scores at or below this are labelled negative.</summary>
    public double NegativeThreshold { get; init; } = -0.25;

    /// <summary>A negated term keeps this share of its valence with the sign flipped ("not happy" is less than "unhappy").</summary>
    public double NegationFactor { get; init; } = -0.74;

    /// <summary>How many words back a negator reaches ("niet zo heel blij", "not very happy").</summary>
    public int NegationReach { get; init; } = 3;

    public double BoosterFactor { get; init; } = 1.3;
    public double DampenerFactor { get; init; } = 0.6;

    /// <summary>Weight of the clause before "maar"/"but" and after it: the customer's point comes after the contrast.</summary>
    public double BeforeContrastWeight { get; init; } = 0.5;
    public double AfterContrastWeight { get; init; } = 1.5;

    public double ShoutFactor { get; init; } = 1.3;

    /// <summary>Added to the magnitude per exclamation mark (at most three count).</summary>
    public double ExclamationBoost { get; init; } = 0.3;

    /// <summary>Normalisation constant α in s / √(s² + α): larger means more words are needed to reach the extremes.</summary>
    public double NormalizationAlpha { get; init; } = 15;
}

/// <summary>
/// The built-in offline sentiment analyzer for Dutch and English customer-service text: the project's own lexicon with
/// negation, intensifiers and dampeners, contrast ("maar", "but"), capitals and exclamation marks, and language detection.
/// Deterministic, allocation-light and thread-safe, so a nightly scan of every inbound message costs seconds.
/// </summary>
public sealed class LexiconSentimentAnalyzer : ISentimentAnalyzer
{
    public LexiconSentimentAnalyzer(LexiconAnalyzerSettings? settings = null) => Settings = settings ?? new LexiconAnalyzerSettings();

    public LexiconAnalyzerSettings Settings { get; }

    public ValueTask<IReadOnlyList<SentimentResult>> AnalyzeAsync(IReadOnlyList<SentimentDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var results = new SentimentResult[documents.Count];
        for (var i = 0; i < documents.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var document = documents[i];
            var (score, language) = Score(document.Text ?? string.Empty, document.Language);
            results[i] = new SentimentResult(document.Id, score, language, Label(score));
        }
        return ValueTask.FromResult<IReadOnlyList<SentimentResult>>(results);
    }

    public string Label(double score) =>
        score >= Settings.PositiveThreshold ? SentimentLabels.Positive
        : score <= Settings.NegativeThreshold ? SentimentLabels.Negative
        : SentimentLabels.Neutral;

    /// <summary>Scores one text in [−1, 1]; <paramref name="language"/> "nl"/"en" or null to detect.</summary>
    public (double Score, string Language) Score(string text, string? language = null)
    {
        var tokens = TextTokenizer.Tokenize(text);
        var lang = LanguageDetector.Normalize(language) ?? LanguageDetector.Detect(tokens);
        return (Evidence(tokens, lang).Score, lang);
    }

    /// <summary>
    /// The lexicon's reading of already tokenised text: the score and, separately, the positive and negative valence it
    /// summed (after negation, intensifiers and contrast weighting). Mixed evidence — praise and complaint in one message —
    /// is what sarcasm and politeness masking a complaint look like, so the learned analyzer takes both sums as features.
    /// </summary>
    internal LexiconEvidence Evidence(List<Token> tokens, string language)
    {
        var lexicon = SentimentLexicon.For(language);
        var (positive, negative) = Valences(tokens, lexicon);
        var raw = positive + negative;
        if (raw != 0)
        {
            var exclamations = Math.Min(3, tokens.Count(t => t.Kind == TokenKind.SentenceBreak && t.Text == "!"));
            raw += Math.Sign(raw) * exclamations * Settings.ExclamationBoost;
        }
        var score = raw / Math.Sqrt(raw * raw + Settings.NormalizationAlpha);
        return new LexiconEvidence(Math.Round(Math.Clamp(score, -1, 1), 4), positive, -negative);
    }

    private (double Positive, double Negative) Valences(List<Token> tokens, SentimentLexicon lexicon)
    {
        // Shouting only means something when the rest of the text is not in capitals too.
        var words = tokens.Count(t => t.Kind == TokenKind.Word);
        var shouted = tokens.Count(t => t.Kind == TokenKind.Word && t.Shouted);
        var shoutingIsEmphasis = shouted > 0 && shouted < words * 0.5;

        var positive = 0.0;
        var negative = 0.0;
        var sentenceStart = 0;
        for (var i = 0; i <= tokens.Count; i++)
        {
            if (i < tokens.Count && tokens[i].Kind != TokenKind.SentenceBreak)
                continue;
            var (p, n) = SentenceValence(tokens, sentenceStart, i, lexicon, shoutingIsEmphasis);
            positive += p;
            negative += n;
            sentenceStart = i + 1;
        }
        return (positive, negative);
    }

    private (double Positive, double Negative) SentenceValence(List<Token> tokens, int start, int end, SentimentLexicon lexicon, bool shoutingIsEmphasis)
    {
        double beforePos = 0, beforeNeg = 0, afterPos = 0, afterNeg = 0;
        var contrastSeen = false;
        var i = start;
        while (i < end)
        {
            var token = tokens[i];
            if (token.Kind != TokenKind.Word)
            {
                i++;
                continue;
            }
            if (!contrastSeen && lexicon.Contrasts.Contains(token.Text))
            {
                contrastSeen = true;
                i++;
                continue;
            }
            var (valence, length) = Match(tokens, i, end, lexicon);
            if (valence != 0)
            {
                valence *= Modifier(tokens, start, i, lexicon);
                if (shoutingIsEmphasis && tokens[i].Shouted)
                    valence *= Settings.ShoutFactor;
                if (contrastSeen)
                {
                    if (valence > 0) afterPos += valence; else afterNeg += valence;
                }
                else
                {
                    if (valence > 0) beforePos += valence; else beforeNeg += valence;
                }
            }
            i += length;
        }
        return contrastSeen
            ? (beforePos * Settings.BeforeContrastWeight + afterPos * Settings.AfterContrastWeight,
               beforeNeg * Settings.BeforeContrastWeight + afterNeg * Settings.AfterContrastWeight)
            : (beforePos, beforeNeg);
    }

    /// <summary>Longest phrase starting at <paramref name="index"/> inside the sentence, else the single word.</summary>
    private static (double Valence, int Length) Match(List<Token> tokens, int index, int end, SentimentLexicon lexicon)
    {
        var longest = lexicon.PhraseStarts.Contains(tokens[index].Text) ? Math.Min(lexicon.LongestPhrase, end - index) : 1;
        for (var length = longest; length >= 2; length--)
        {
            if (!AllWords(tokens, index, length))
                continue;
            var phrase = string.Join(' ', tokens.Skip(index).Take(length).Select(t => t.Text));
            if (lexicon.Phrases.TryGetValue(phrase, out var phraseValence))
                return (phraseValence, length);
        }
        return lexicon.Words.TryGetValue(tokens[index].Text, out var valence) && !lexicon.Negators.Contains(tokens[index].Text)
            ? (valence, 1)
            : (0, 1);
    }

    private static bool AllWords(List<Token> tokens, int index, int length)
    {
        for (var k = index; k < index + length; k++)
        {
            if (tokens[k].Kind != TokenKind.Word)
                return false;
        }
        return true;
    }

    /// <summary>Negation, boosting and dampening from the words just before a sentiment term, within its clause.</summary>
    private double Modifier(List<Token> tokens, int sentenceStart, int index, SentimentLexicon lexicon)
    {
        var factor = 1.0;
        var negated = false;
        for (var distance = 1; index - distance >= sentenceStart && distance <= Settings.NegationReach; distance++)
        {
            var token = tokens[index - distance];
            if (token.Kind != TokenKind.Word || lexicon.Contrasts.Contains(token.Text))
                break;
            if (lexicon.Negators.Contains(token.Text))
                negated = !negated;
            else if (distance <= 2 && lexicon.Boosters.Contains(token.Text))
                factor *= Settings.BoosterFactor;
            else if (distance == 1 && lexicon.Dampeners.Contains(token.Text))
                factor *= Settings.DampenerFactor;
        }
        return negated ? factor * Settings.NegationFactor : factor;
    }
}

/// <summary>What the lexicon found in one text: its score and the positive and negative valence (both ≥ 0) it summed.</summary>
internal readonly record struct LexiconEvidence(double Score, double Positive, double Negative);

public static class SentimentLabels
{
    public const string Negative = "negative";
    public const string Neutral = "neutral";
    public const string Positive = "positive";

    public static readonly IReadOnlyList<string> All = [Negative, Neutral, Positive];

    /// <summary>Accepts the three labels in any case plus "neg"/"neu"/"pos"; null for anything else.</summary>
    public static string? Normalize(string? label) => label?.Trim().ToLowerInvariant() switch
    {
        "negative" or "neg" or "negatief" => Negative,
        "neutral" or "neu" or "neutraal" => Neutral,
        "positive" or "pos" or "positief" => Positive,
        _ => null,
    };
}
