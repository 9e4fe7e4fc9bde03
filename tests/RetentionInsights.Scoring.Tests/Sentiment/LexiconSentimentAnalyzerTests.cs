using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Scoring.Tests.Sentiment;

public class LexiconSentimentAnalyzerTests
{
    private readonly LexiconSentimentAnalyzer _analyzer = new();

    private double Score(string text, string? language = null) => _analyzer.Score(text, language).Score;

    [Theory]
    [InlineData("Ik ben erg tevreden over de snelle hulp.", "positive")]
    [InlineData("Ik ben niet tevreden over de afhandeling.", "negative")]
    [InlineData("I am happy with the quick help.", "positive")]
    [InlineData("I am not happy with how this was handled.", "negative")]
    [InlineData("Wanneer wordt mijn meterstand verwerkt?", "neutral")]
    [InlineData("When will my meter reading be processed?", "neutral")]
    public void Label_TypicalMessages_MatchesWhatAnAgentWouldSay(string text, string expected)
    {
        Assert.Equal(expected, _analyzer.Label(Score(text)));
    }

    [Fact]
    public void Score_NegatedPositiveWord_FlipsSign()
    {
        Assert.True(Score("Ik ben tevreden.") > 0);
        Assert.True(Score("Ik ben niet tevreden.") < 0);
        Assert.True(Score("I am satisfied.") > 0);
        Assert.True(Score("I am not satisfied.") < 0);
        Assert.True(Score("This is not bad at all, I don't mind.") > Score("This is bad."));
    }

    [Fact]
    public void Score_Intensifier_StrengthensButDampenerWeakens()
    {
        Assert.True(Score("Ik ben zeer teleurgesteld.") < Score("Ik ben teleurgesteld."));
        Assert.True(Score("I am extremely disappointed.") < Score("I am disappointed."));
        Assert.True(Score("I am slightly disappointed.") > Score("I am disappointed."));
    }

    [Fact]
    public void Score_ContrastWord_ClauseAfterButDecides()
    {
        // The customer's real point comes after "maar"/"but".
        Assert.True(Score("De medewerker was vriendelijk, maar mijn factuur klopt nog steeds niet.") < 0);
        Assert.True(Score("I was sceptical at first, but the switch went perfectly.") > 0);
    }

    [Fact]
    public void Score_CapitalsAndExclamationMarks_AddEmphasis()
    {
        Assert.True(Score("This is UNACCEPTABLE.") < Score("This is unacceptable."));
        Assert.True(Score("Dit is onacceptabel!!!") < Score("Dit is onacceptabel."));
        Assert.True(Score("Thank you!") > Score("Thank you."));
    }

    [Fact]
    public void Score_PoliteFormulae_DoNotMakeANeutralLetterPositive()
    {
        var letter = "Geachte heer/mevrouw,\n\nIk wil mijn nieuwe adres doorgeven.\n\nMet vriendelijke groet,\nAnna";
        Assert.Equal(SentimentLabels.Neutral, _analyzer.Label(Score(letter)));
        Assert.Equal(SentimentLabels.Neutral, _analyzer.Label(Score("Please update my address. Thanks in advance. Kind regards, Tom")));
    }

    [Fact]
    public void Score_AnyText_StaysWithinMinusOneAndOne()
    {
        var rant = string.Concat(Enumerable.Repeat("Belachelijk, schandalig en onacceptabel!!! ", 40));
        var praise = string.Concat(Enumerable.Repeat("Geweldig, fantastisch en super bedankt! ", 40));
        Assert.InRange(Score(rant), -1, -0.95);
        Assert.InRange(Score(praise), 0.95, 1);
        Assert.Equal(0, Score(string.Empty));
    }

    [Theory]
    [InlineData("Ik heb een vraag over mijn jaarafrekening, kunt u mij helpen?", "nl")]
    [InlineData("I have a question about my annual statement, could you help me?", "en")]
    [InlineData("Mijn slimme meter geeft geen standen door sinds vorige week.", "nl")]
    [InlineData("The engineer did not show up this morning.", "en")]
    public async Task Analyze_WithoutLanguage_DetectsDutchOrEnglish(string text, string expected)
    {
        var result = await _analyzer.AnalyzeAsync([new SentimentDocument("1", text)]);
        Assert.Equal(expected, result[0].Language);
    }

    [Fact]
    public async Task AnalyzeAsync_Batch_KeepsIdsAndOrder()
    {
        var results = await _analyzer.AnalyzeAsync([
            new SentimentDocument("a", "Top service, dank je wel!", "nl"),
            new SentimentDocument("b", "Still no reply to my complaint.", "en"),
            new SentimentDocument("c", "Graag een kopie van mijn factuur.", "nl"),
        ]);
        Assert.Equal(["a", "b", "c"], results.Select(r => r.Id));
        Assert.Equal([SentimentLabels.Positive, SentimentLabels.Negative, SentimentLabels.Neutral], results.Select(r => r.Label));
    }

    [Fact]
    public void Lexicon_BothLanguages_AreSubstantialAndDistinct()
    {
        Assert.True(SentimentLexicon.Dutch.Count >= 400, $"nl lexicon has {SentimentLexicon.Dutch.Count} entries");
        Assert.True(SentimentLexicon.English.Count >= 350, $"en lexicon has {SentimentLexicon.English.Count} entries");
        Assert.True(SentimentLexicon.Dutch.Words["teleurgesteld"] < 0);
        Assert.True(SentimentLexicon.English.Words["disappointed"] < 0);
        Assert.Contains("niet", SentimentLexicon.Dutch.Negators);
        Assert.Contains("maar", SentimentLexicon.Dutch.Contrasts);
    }
}
