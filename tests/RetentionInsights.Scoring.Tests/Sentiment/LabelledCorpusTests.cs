using RetentionInsights.Scoring.Sentiment;
using Xunit.Abstractions;

namespace RetentionInsights.Scoring.Tests.Sentiment;

/// <summary>
/// The offline analyzer's corpus (functions/RetentionInsights.Scoring/Sentiment/Corpus/messages-train.csv, embedded in the
/// engine) and its frozen held-out part (Data/messages-frozen-heldout.csv): one set of 1,535 nl/en messages split at random
/// per language and label, never looked at while choosing features or settings, scored once. The older files below are
/// kept as extra evaluation sets written by other authors.
///
/// The project's own labelled nl/en customer-service messages. The lexicon was tuned on messages-tuning.csv only;
/// messages-heldout.csv was not looked at while tuning, so its score is the honest one. messages-heldout-2.csv was written
/// after tuning had stopped (shorter chat lines and agents' call notes) and scored once, as a second unseen check.
/// </summary>
public class LabelledCorpusTests(ITestOutputHelper output)
{
    internal static IReadOnlyList<LabelledMessage> Load(string name)
    {
        var path = DataPath(name);
        using var reader = new StreamReader(path);
        return LabelledMessageCsv.Read(reader, path);
    }

    /// <summary>The corpus lives next to these tests in the source tree; found by walking up from the test binaries.</summary>
    internal static string DataPath(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Sentiment", "Data", name);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"Labelled corpus file {name} not found above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void Corpus_BothParts_AtLeast300BalancedMessagesInBothLanguages()
    {
        var tuning = Load("messages-tuning.csv");
        var heldOut = Load("messages-heldout.csv").Concat(Load("messages-heldout-2.csv")).ToList();
        var all = tuning.Concat(heldOut).ToList();
        Assert.True(all.Count >= 300, $"{all.Count} messages");
        foreach (var language in new[] { "nl", "en" })
        {
            foreach (var label in SentimentLabels.All)
                Assert.True(all.Count(m => m.Language == language && m.Label == label) >= 50, $"{language}/{label} under 50");
        }
        foreach (var part in new[] { tuning, heldOut })
        {
            var counts = part.GroupBy(m => m.Label).Select(g => g.Count()).ToList();
            Assert.Equal(3, counts.Count);
            Assert.True(counts.Max() - counts.Min() <= 2, "classes must be balanced within each part");
        }
        // No message may sit in both parts, or the held-out score would be flattered.
        Assert.Empty(tuning.Select(m => m.Text).Intersect(heldOut.Select(m => m.Text)));
    }

    private static IReadOnlyList<LabelledMessage> Train() => OfflineSentimentAnalyzer.EmbeddedCorpus();

    [Fact]
    public void NewCorpus_TrainingAndFrozenParts_AtLeast1500BalancedMessagesWithNoOverlap()
    {
        var train = Train();
        var frozen = Load("messages-frozen-heldout.csv");
        Assert.True(train.Count + frozen.Count >= 1500, $"{train.Count + frozen.Count} messages");
        foreach (var language in new[] { "nl", "en" })
        {
            foreach (var label in SentimentLabels.All)
            {
                Assert.Equal(55, frozen.Count(m => m.Language == language && m.Label == label));
                Assert.True(train.Count(m => m.Language == language && m.Label == label) >= 190, $"{language}/{label} in training");
            }
        }
        var older = new[] { "messages-tuning.csv", "messages-heldout.csv", "messages-heldout-2.csv" }.SelectMany(Load).Select(m => m.Text).ToHashSet();
        Assert.Empty(train.Select(m => m.Text).Intersect(frozen.Select(m => m.Text)));
        Assert.DoesNotContain(train, m => older.Contains(m.Text));
        Assert.DoesNotContain(frozen, m => older.Contains(m.Text));
    }

    /// <summary>The bar on the frozen part, per language: macro-F1 ≥ 0.85 and negative recall ≥ 0.80.</summary>
    [Theory]
    [InlineData("nl")]
    [InlineData("en")]
    public async Task OfflineSentimentAnalyzer_FrozenHeldOut_MeetsTheBarPerLanguage(string language)
    {
        var messages = Load("messages-frozen-heldout.csv").Where(m => m.Language == language).ToList();
        var report = await SentimentEvaluation.EvaluateAsync(new OfflineSentimentAnalyzer(), messages);
        var negative = report.Classes.Single(c => c.Label == SentimentLabels.Negative);
        output.WriteLine($"{language}: n={report.Messages} macroF1={report.MacroF1} " +
                         string.Join(" ", report.Classes.Select(c => $"{c.Label} recall {c.Recall}")));
        foreach (var (gold, row) in report.Confusion)
            output.WriteLine($"  {gold}: " + string.Join(" ", row.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(report.MacroF1 >= 0.85, $"macro-F1 {report.MacroF1}");
        Assert.True(negative.Recall >= 0.80, $"negative recall {negative.Recall}");
    }

    /// <summary>Messages written by other authors before the model existed: the model must carry over to their phrasing.</summary>
    [Theory]
    [InlineData("messages-tuning.csv")]
    [InlineData("messages-heldout.csv")]
    [InlineData("messages-heldout-2.csv")]
    public async Task OfflineSentimentAnalyzer_OtherAuthorsMessages_MacroF1AtLeast090(string file)
    {
        var report = await SentimentEvaluation.EvaluateAsync(new OfflineSentimentAnalyzer(), Load(file));
        output.WriteLine($"{file}: n={report.Messages} macroF1={report.MacroF1} negative recall {report.Classes[0].Recall}");
        Assert.True(report.MacroF1 >= 0.9, $"macro-F1 {report.MacroF1} on {file}");
        Assert.True(report.Classes.Single(c => c.Label == SentimentLabels.Negative).Recall >= 0.85);
    }

    /// <summary>The learned model must beat the lexicon it builds on where the lexicon is weakest: the new corpus's hard cases.</summary>
    [Fact]
    public async Task OfflineSentimentAnalyzer_FrozenHeldOut_BeatsLexiconAlone()
    {
        var frozen = Load("messages-frozen-heldout.csv");
        var model = await SentimentEvaluation.EvaluateAsync(new OfflineSentimentAnalyzer(), frozen);
        var lexicon = await SentimentEvaluation.EvaluateAsync(new LexiconSentimentAnalyzer(), frozen);
        output.WriteLine($"model {model.MacroF1}, lexicon {lexicon.MacroF1}");
        Assert.True(model.MacroF1 > lexicon.MacroF1 + 0.05, $"model {model.MacroF1}, lexicon {lexicon.MacroF1}");
    }

    [Theory]
    [InlineData("messages-tuning.csv")]
    [InlineData("messages-heldout.csv")]
    [InlineData("messages-heldout-2.csv")]
    public async Task OfflineAnalyzer_LabelledPart_MacroF1AtLeast075(string file)
    {
        var report = await SentimentEvaluation.EvaluateAsync(new LexiconSentimentAnalyzer(), Load(file));
        output.WriteLine($"{file}: n={report.Messages} accuracy={report.Accuracy} macroF1={report.MacroF1} " +
                         string.Join(" ", report.MacroF1ByLanguage.Select(kv => $"{kv.Key}={kv.Value}")));
        Assert.True(report.MacroF1 >= 0.75, $"macro-F1 {report.MacroF1} on {file}");
        Assert.All(report.MacroF1ByLanguage.Values, f1 => Assert.True(f1 >= 0.7, $"a language scores {f1}"));
    }
}
