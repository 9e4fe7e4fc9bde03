using RetentionInsights.Scoring.Tabular;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Tabular;

/// <summary>The churn learner on the IBM Telco export, with honest stratified 5-fold cross-validation.</summary>
public sealed class TelcoChurnTests
{
    private static readonly Lazy<TabularEvaluation> Result = new(() =>
    {
        using var reader = new StreamReader(SharedData.Path("telco-churn", "WA_Fn-UseC_-Telco-Customer-Churn.csv"));
        var table = CsvTable.Read(reader);
        return TabularChurnEvaluator.Evaluate(table, "customerID", "Churn", "Yes", folds: 5, seed: 42);
    });

    [Fact]
    public void Evaluate_Telco5Fold_AucAtLeastPublishedLevel()
    {
        var r = Result.Value;
        Assert.Equal(7043, r.Rows);
        Assert.Equal(1869, r.Positives);
        Assert.True(r.MeanAuc >= 0.84, $"LightGBM 5-fold AUC {r.MeanAuc:0.0000} ± {r.SdAuc:0.0000} is below 0.84");
        Assert.True(r.BaselineMeanAuc >= 0.83, $"logistic baseline AUC {r.BaselineMeanAuc:0.0000} is below 0.83");
    }

    [Fact]
    public void Evaluate_Telco5Fold_AucNotSuspiciouslyHigh()
    {
        // Published honest results sit at 0.84–0.85; above 0.90 means the id or label leaked into the features.
        Assert.True(Result.Value.MeanAuc <= 0.90, $"AUC {Result.Value.MeanAuc:0.0000} > 0.90 suggests leakage");
        Assert.True(Result.Value.FoldResults.All(f => f.LightGbmAuc <= 0.90));
    }

    [Fact]
    public void Evaluate_Telco_DetectsColumnTypesAndHandlesBlanks()
    {
        var r = Result.Value;
        var totalCharges = r.Columns.Single(c => c.Name == "TotalCharges");
        Assert.True(totalCharges.Numeric);
        Assert.Equal(11, totalCharges.Blanks);
        Assert.False(r.Columns.Single(c => c.Name == "Contract").Numeric);
        Assert.Equal(3, r.Columns.Single(c => c.Name == "Contract").Levels.Count);
        Assert.DoesNotContain(r.Columns, c => c.Name is "customerID" or "Churn");
        Assert.Equal(5, r.FoldResults.Count);
        Assert.All(r.FoldResults, f => Assert.InRange(f.Positives / (double)f.Rows, 0.25, 0.28));
    }

    [Fact]
    public void Evaluate_LabelValueUnknown_ThrowsWithRowAndColumn()
    {
        var table = CsvTable.Read(new StringReader("id,x,churn\n1,2,maybe\n2,3,no\n"));
        var ex = Assert.Throws<InvalidDataException>(() => TabularChurnEvaluator.Evaluate(table, "id", "churn", null, 2, 1));
        Assert.Contains("Row 2", ex.Message);
        Assert.Contains("churn", ex.Message);
    }
}
