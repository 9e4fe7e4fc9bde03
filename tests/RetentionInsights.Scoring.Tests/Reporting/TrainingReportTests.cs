using RetentionInsights.Scoring.Reporting;
using RetentionInsights.Scoring.Tests.Engine;

namespace RetentionInsights.Scoring.Tests.Reporting;

[Collection(GeneratedOrgCollection.Name)]
public sealed class TrainingReportTests(GeneratedOrgFixture fixture)
{
    [Fact]
    public void Render_TrainingResult_SelfContainedHtmlWithEveryPlot()
    {
        var html = TrainingReport.Render(fixture.Training, "promoted: no champion yet");
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(5, html.Split("<svg").Length - 1); // ROC, calibration, lift, importance, CLV
        foreach (var title in new[] { "ROC curve", "Calibration", "Lift by decile", "Feature importance", "CLV 36 months" })
            Assert.Contains(title, html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal));
        Assert.Contains(fixture.Training.Metadata.Version, html);
        Assert.Contains(fixture.Training.Holdout.Auc.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture), html);
        Assert.Contains("already left before the snapshot", html);
    }
}
