using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Scoring.Tests.Sentiment;

public class SentimentEvaluationTests
{
    [Fact]
    public void Evaluate_KnownConfusion_ComputesAccuracyAndMacroF1()
    {
        LabelledMessage M(string label) => new("x", "nl", label);
        var gold = new[] { M("negative"), M("negative"), M("neutral"), M("neutral"), M("positive"), M("positive") };
        var predicted = new[] { "negative", "neutral", "neutral", "neutral", "positive", "negative" };
        var report = SentimentEvaluation.Evaluate(gold, predicted);
        Assert.Equal(4 / 6.0, report.Accuracy, 3);
        // negative: P 1/2 R 1/2 F1 .5; neutral: P 2/3 R 1 F1 .8; positive: P 1 R 1/2 F1 .667
        Assert.Equal((0.5 + 0.8 + 2 / 3.0) / 3, report.MacroF1, 3);
        Assert.Equal(1, report.Confusion["negative"]["neutral"]);
        Assert.Equal(1, report.Confusion["positive"]["negative"]);
    }

    [Fact]
    public void Read_QuotedTextWithCommasAndQuotes_ParsesFields()
    {
        var csv = "text,language,label\n\"Hallo, ik ben \"\"blij\"\"\",nl,positive\nPlain text,EN,Negative\n";
        var rows = LabelledMessageCsv.Read(new StringReader(csv), "t.csv");
        Assert.Equal("Hallo, ik ben \"blij\"", rows[0].Text);
        Assert.Equal(("en", "negative"), (rows[1].Language, rows[1].Label));
    }

    [Theory]
    [InlineData("text,language,label\nGoed,nl,great\n", "row 2", "label")]
    [InlineData("text,language,label\nGoed,fr,positive\n", "row 2", "language")]
    [InlineData("text,language,label\nGoed,nl,positive\n,nl,neutral\n", "row 3", "text")]
    [InlineData("text,label\nGoed,positive\n", "header", "language")]
    public void Read_BadRow_FailsNamingFileRowAndField(string csv, string where, string field)
    {
        var error = Assert.Throws<InvalidDataException>(() => LabelledMessageCsv.Read(new StringReader(csv), "messages.csv"));
        Assert.Contains("messages.csv", error.Message);
        Assert.Contains(where, error.Message);
        Assert.Contains(field, error.Message);
    }
}
