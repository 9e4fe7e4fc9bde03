using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Scoring.Tests.Sentiment;

/// <summary>
/// The default offline analyzer (learned model over the lexicon). The messages here were written for these tests and are not
/// in the training corpus, so they check behaviour an agent would notice rather than recall of memorised lines.
/// </summary>
public class OfflineSentimentAnalyzerTests
{
    private static readonly OfflineSentimentAnalyzer Analyzer = new();

    private static string Label(string text, string language) => Analyzer.Analyze(text, language).Label;

    [Theory]
    [InlineData("c:", "<blij")]
    [InlineData("b:", "niet_blij")]
    [InlineData("lang:", "nl")]
    public void FeatureHash_RunOverTheNameInPlace_IsTheHashOfTheNameAsAString(string prefix, string rest) =>
        // Feature names are hashed without being built; the weights were learned under the hash of the whole name.
        Assert.Equal(SentimentModel.Fnv(prefix + rest), SentimentModel.Fnv(SentimentModel.Fnv(prefix), rest));

    [Theory]
    [InlineData("Voor de vierde keer bellen over dezelfde afschrijving, ik ben het echt zat.", "nl")]
    [InlineData("De voorschotberekening klopt weer niet en niemand belt terug zoals beloofd.", "nl")]
    [InlineData("Third estimated bill in a row even though I send photos of the meter every month. Fed up.", "en")]
    [InlineData("Nobody has called me back about the refund and it's been five weeks.", "en")]
    public void Analyze_PlainComplaint_IsNegative(string text, string language) =>
        Assert.Equal(SentimentLabels.Negative, Label(text, language));

    [Theory]
    [InlineData("Dank voor het snel aanpassen van mijn termijnbedrag, heel fijn geregeld.", "nl")]
    [InlineData("The engineer was friendly and finished the job in no time, thank you.", "en")]
    public void Analyze_Praise_IsPositive(string text, string language) =>
        Assert.Equal(SentimentLabels.Positive, Label(text, language));

    [Theory]
    [InlineData("Wanneer wordt mijn nieuwe slimme meter geplaatst?", "nl")]
    [InlineData("Please send the final bill to my new address from 1 May.", "en")]
    public void Analyze_PlainRequest_IsNeutral(string text, string language) =>
        Assert.Equal(SentimentLabels.Neutral, Label(text, language));

    [Fact]
    public void Analyze_NegatedPraise_IsNegative()
    {
        Assert.Equal(SentimentLabels.Negative, Label("Ik ben helemaal niet tevreden over de afhandeling van mijn klacht.", "nl"));
        Assert.Equal(SentimentLabels.Negative, Label("I am not at all happy with how my complaint was handled.", "en"));
    }

    [Fact]
    public void Analyze_PoliteOpeningThenComplaint_ClauseAfterButDecides()
    {
        Assert.Equal(SentimentLabels.Negative, Label("Uw collega was heel vriendelijk, maar mijn jaarafrekening is nog steeds fout en ik wacht al weken.", "nl"));
        Assert.Equal(SentimentLabels.Negative, Label("Your agent was polite, but my bill is still wrong after a month of waiting.", "en"));
    }

    [Fact]
    public void Analyze_Score_StaysInRangeAndOrdersComplaintBelowPraise()
    {
        var complaint = Analyzer.Analyze("Dit is werkelijk schandalig, drie maanden zonder correcte factuur!", "nl").Score;
        var request = Analyzer.Analyze("Kunt u mij een kopie van de factuur sturen?", "nl").Score;
        var praise = Analyzer.Analyze("Geweldig geholpen, hartelijk dank!", "nl").Score;
        Assert.InRange(complaint, -1, -0.5);
        Assert.True(complaint < request && request < praise, $"{complaint} {request} {praise}");
        Assert.InRange(praise, 0.3, 1);
    }

    [Fact]
    public void Analyze_EmptyText_IsNeutralZero()
    {
        var (score, _, label) = Analyzer.Analyze("   ", "en");
        Assert.Equal((0.0, SentimentLabels.Neutral), (score, label));
    }

    [Fact]
    public async Task AnalyzeAsync_WithoutLanguage_DetectsItAndKeepsIdsAndOrder()
    {
        var results = await Analyzer.AnalyzeAsync([
            new SentimentDocument("a", "Top geregeld, dank je wel!"),
            new SentimentDocument("b", "Still no reply to my complaint, this is getting ridiculous."),
        ]);
        Assert.Equal(["a", "b"], results.Select(r => r.Id));
        Assert.Equal(["nl", "en"], results.Select(r => r.Language));
        Assert.Equal([SentimentLabels.Positive, SentimentLabels.Negative], results.Select(r => r.Label));
    }

    [Fact]
    public void Analyze_ManyMessagesOnEveryCoreAtOnce_ScoresEachAsWhenAnalysedAlone()
    {
        // The nightly run analyses on every core at once and the analyzer reuses its working buffers between texts: no
        // text may see another's features. Messages of different lengths, languages and models (a second model with fewer
        // hash buckets) interleave.
        var texts = OfflineSentimentAnalyzer.EmbeddedCorpus().Select(m => m.Text).Take(600).ToList();
        var small = new OfflineSentimentAnalyzer(SentimentModel.Train(OfflineSentimentAnalyzer.EmbeddedCorpus().Take(300).ToList(),
            new SentimentModelSettings { HashBits = 12 }));
        var alone = texts.Select(t => (Analyzer.Analyze(t).Score, small.Analyze(t).Score)).ToList();

        var together = new (double, double)[texts.Count];
        Parallel.For(0, texts.Count * 4, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount) },
            i => together[i % texts.Count] = (Analyzer.Analyze(texts[i % texts.Count]).Score, small.Analyze(texts[i % texts.Count]).Score));

        Assert.Equal(alone, together);
    }

    [Fact]
    public void Train_SameCorpusTwice_GivesIdenticalScores()
    {
        var corpus = OfflineSentimentAnalyzer.EmbeddedCorpus().Take(400).ToList();
        var first = SentimentModel.Train(corpus);
        var second = SentimentModel.Train(corpus);
        foreach (var text in new[] { "Mijn factuur klopt niet.", "Thanks, all sorted now!", "Wanneer komt de monteur?" })
            Assert.Equal(first.Predict(text, "nl"), second.Predict(text, "nl"));
    }

    [Fact]
    public void Train_BadLabel_Fails()
    {
        var error = Assert.Throws<ArgumentException>(() => SentimentModel.Train([new LabelledMessage("x", "nl", "angry")]));
        Assert.Contains("negative, neutral or positive", error.Message);
    }
}
