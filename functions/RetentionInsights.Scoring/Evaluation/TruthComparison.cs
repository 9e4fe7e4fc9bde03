namespace RetentionInsights.Scoring.Evaluation;

/// <summary>One customer scored at the truth date, beside what the generator planted for it.</summary>
public readonly record struct ScoredTruth(double Predicted, double TrueProbability, double ObservableProbability, bool Churned);

/// <summary>
/// How scores compare with a generated org's planted truth: the model's AUC beside the AUC of the true probabilities (the
/// best any model could do) and of the observable truth (the best a model that only reads records could do), and the
/// calibration error against the true probabilities — which, unlike calibration against 0/1 labels, does not need large bins
/// to average out the coin flips.
/// </summary>
public sealed record TruthComparison(
    int Customers,
    int Churned,
    double ChurnRate,
    double MeanPredicted,
    double MeanTrueProbability,
    double ModelAuc,
    double TrueAuc,
    double ObservableAuc,
    double EceVersusTrue,
    double EceVersusObservable)
{
    /// <summary>How far the model is below the observable truth (positive = worse).</summary>
    public double AucGapToObservable => ObservableAuc - ModelAuc;

    public static TruthComparison Compute(IReadOnlyList<ScoredTruth> rows, int bins = 10)
    {
        if (rows.Count == 0)
            throw new ArgumentException("No customer is both scored and in the truth file: check that the scores are as of the truth date.", nameof(rows));
        var churned = rows.Select(r => r.Churned).ToArray();
        var positives = churned.Count(c => c);
        if (positives == 0 || positives == rows.Count)
            throw new ArgumentException("AUC needs customers who churned and customers who stayed; the truth file has only one kind.", nameof(rows));
        return new TruthComparison(
            rows.Count,
            positives,
            positives / (double)rows.Count,
            rows.Average(r => r.Predicted),
            rows.Average(r => r.TrueProbability),
            BinaryMetrics.RocAuc(rows.Select(r => r.Predicted).ToArray(), churned),
            BinaryMetrics.RocAuc(rows.Select(r => r.TrueProbability).ToArray(), churned),
            BinaryMetrics.RocAuc(rows.Select(r => r.ObservableProbability).ToArray(), churned),
            Ece(rows, r => r.TrueProbability, bins),
            Ece(rows, r => r.ObservableProbability, bins));
    }

    /// <summary>Equal-count bins by prediction; per bin |mean prediction − mean reference|, weighted by the bin's size.</summary>
    private static double Ece(IReadOnlyList<ScoredTruth> rows, Func<ScoredTruth, double> reference, int bins)
    {
        var sorted = rows.OrderBy(r => r.Predicted).ToArray();
        var n = sorted.Length;
        var ece = 0.0;
        for (var b = 0; b < bins; b++)
        {
            var from = b * n / bins;
            var to = (b + 1) * n / bins;
            if (to <= from)
                continue;
            var slice = sorted[from..to];
            ece += slice.Length / (double)n * Math.Abs(slice.Average(r => r.Predicted) - slice.Average(reference));
        }
        return ece;
    }
}
