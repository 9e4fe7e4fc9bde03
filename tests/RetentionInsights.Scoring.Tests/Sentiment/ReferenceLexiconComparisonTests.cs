using System.Globalization;
using System.Xml.Linq;
using RetentionInsights.Scoring.Sentiment;
using RetentionInsights.Scoring.Tests.Support;
using Xunit.Abstractions;

namespace RetentionInsights.Scoring.Tests.Sentiment;

/// <summary>
/// Compares the offline analyzer with plain word-sum scorers built on the public research lexicons (AFINN-en-165, VADER,
/// Pattern nl/en) read from ../shared/data. Reference only: those lexicons are never part of the product. The comparison
/// is on the held-out parts of the project's corpus, per language, because AFINN and VADER are English-only.
/// </summary>
public class ReferenceLexiconComparisonTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OfflineAnalyzer_HeldOutMessages_BeatsEveryPublicLexiconBaseline()
    {
        var heldOut = LabelledCorpusTests.Load("messages-heldout.csv").Concat(LabelledCorpusTests.Load("messages-heldout-2.csv")).ToList();
        var english = heldOut.Where(m => m.Language == "en").ToList();
        var dutch = heldOut.Where(m => m.Language == "nl").ToList();

        var ours = new LexiconSentimentAnalyzer();
        var oursEn = (await SentimentEvaluation.EvaluateAsync(ours, english)).MacroF1;
        var oursNl = (await SentimentEvaluation.EvaluateAsync(ours, dutch)).MacroF1;

        var afinn = Tsv(SharedData.Path("afinn", "AFINN-en-165.txt"));
        var vader = Tsv(SharedData.Path("vader", "vader_lexicon.txt"));
        var patternEn = Pattern(SharedData.Path("pattern-sentiment", "en-sentiment.xml"));
        var patternNl = Pattern(SharedData.Path("pattern-sentiment", "nl-sentiment.xml"));
        Assert.True(afinn.Count > 3000 && vader.Count > 7000 && patternEn.Count > 1000 && patternNl.Count > 3000, "reference lexicons incomplete");

        var baselines = new (string Name, IReadOnlyList<LabelledMessage> Set, double F1)[]
        {
            ("AFINN-en-165 (sum)", english, WordSum(english, afinn, sum: true, 0)),
            ("VADER (sum)", english, WordSum(english, vader, sum: true, 0)),
            ("Pattern en (mean)", english, WordSum(english, patternEn, sum: false, 0.1)),
            ("Pattern nl (mean)", dutch, WordSum(dutch, patternNl, sum: false, 0.1)),
        };
        output.WriteLine($"offline analyzer: en {oursEn:0.000}, nl {oursNl:0.000}");
        foreach (var (name, set, f1) in baselines)
            output.WriteLine($"{name}: {set[0].Language} {f1:0.000}");

        foreach (var (name, set, f1) in baselines)
        {
            var mine = set[0].Language == "en" ? oursEn : oursNl;
            Assert.True(mine > f1, $"{name} scores {f1:0.000} on {set[0].Language}, the offline analyzer {mine:0.000}");
        }
    }

    private static double WordSum(IReadOnlyList<LabelledMessage> messages, IReadOnlyDictionary<string, double> lexicon, bool sum, double margin)
    {
        var predicted = messages.Select(m =>
        {
            var values = TextTokenizer.Tokenize(m.Text).Where(t => t.Kind == TokenKind.Word)
                .Select(t => lexicon.TryGetValue(t.Text, out var v) ? v : (double?)null).Where(v => v is not null).Select(v => v!.Value).ToList();
            var score = values.Count == 0 ? 0 : sum ? values.Sum() : values.Average();
            return score > margin ? SentimentLabels.Positive : score < -margin ? SentimentLabels.Negative : SentimentLabels.Neutral;
        }).ToList();
        return SentimentEvaluation.Evaluate(messages, predicted).MacroF1;
    }

    /// <summary>AFINN (word TAB score) and VADER (token TAB mean TAB sd TAB ratings) share the first two columns.</summary>
    private static Dictionary<string, double> Tsv(string path)
    {
        var lexicon = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('\t');
            if (parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                lexicon[parts[0].ToLowerInvariant()] = value;
        }
        return lexicon;
    }

    /// <summary>Pattern lists polarity per word sense; a form's polarity is the mean over its senses.</summary>
    private static Dictionary<string, double> Pattern(string path) =>
        XDocument.Load(path).Descendants("word")
            .Select(w => (Form: ((string?)w.Attribute("form"))?.ToLowerInvariant(), Polarity: (string?)w.Attribute("polarity")))
            .Where(w => w.Form is not null && w.Polarity is not null)
            .GroupBy(w => w.Form!)
            .ToDictionary(g => g.Key, g => g.Average(w => double.Parse(w.Polarity!, CultureInfo.InvariantCulture)), StringComparer.Ordinal);
}
