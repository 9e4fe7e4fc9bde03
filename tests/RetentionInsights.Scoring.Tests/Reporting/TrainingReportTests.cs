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

    [Fact]
    public void Render_TrainingResult_ListsEverySingleFeatureAucAndAnyLeakageFinding()
    {
        var clean = TrainingReport.Render(fixture.Training);
        Assert.Contains("Single-feature holdout AUC", clean);
        foreach (var f in fixture.Training.FeatureAucs)
            Assert.Contains($"<td style=\"text-align:left\">{f.Feature}</td><td>{f.Auc.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)}</td>", clean);
        Assert.DoesNotContain("Suspected leakage", clean);

        var leaked = fixture.Training with { LeakageFindings = ["feature 'days_to_contract_end' alone reaches holdout AUC 0.973"] };
        Assert.Contains("feature &#39;days_to_contract_end&#39; alone reaches holdout AUC 0.973", TrainingReport.Render(leaked));
    }
}
