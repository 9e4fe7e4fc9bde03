namespace RetentionInsights.Scoring.Evaluation;

/// <summary>One bin of a calibration table: mean predicted probability against the observed rate.</summary>
public sealed record CalibrationBin(int Count, double MeanPredicted, double ObservedRate);

/// <summary>Quality of probabilistic binary predictions, as shown in the training report and stored with each model.</summary>
public sealed record BinaryMetrics(
    int Rows,
    int Positives,
    double Auc,
    double PrAuc,
    double Brier,
    double Ece,
    double LiftAt10,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<double> LiftByDecile,
    IReadOnlyList<(double Fpr, double Tpr)> Roc)
{
    public double PositiveRate => Rows == 0 ? 0 : Positives / (double)Rows;

    /// <summary>Computes every metric; calibration uses <paramref name="bins"/> equal-count bins of the predictions.</summary>
    public static BinaryMetrics Compute(IReadOnlyList<double> predicted, IReadOnlyList<bool> actual, int bins = 10)
    {
        if (predicted.Count != actual.Count)
            throw new ArgumentException("Predictions and labels differ in length.");
        var n = predicted.Count;
        var positives = actual.Count(a => a);
        var brier = 0.0;
        for (var i = 0; i < n; i++)
        {
            var d = predicted[i] - (actual[i] ? 1 : 0);
            brier += d * d;
        }
        var order = Enumerable.Range(0, n).OrderByDescending(i => predicted[i]).ToArray();
        var calibration = CalibrationTable(predicted, actual, order, bins);
        var ece = n == 0 ? 0 : calibration.Sum(b => b.Count * Math.Abs(b.MeanPredicted - b.ObservedRate)) / n;
        var deciles = new List<double>();
        var baseRate = n == 0 ? 0 : positives / (double)n;
        for (var d = 0; d < 10; d++)
        {
            var from = d * n / 10;
            var to = (d + 1) * n / 10;
            var hits = 0;
            for (var k = from; k < to; k++) if (actual[order[k]]) hits++;
            deciles.Add(to > from && baseRate > 0 ? hits / (double)(to - from) / baseRate : 0);
        }
        return new BinaryMetrics(n, positives, RocAuc(predicted, actual), AveragePrecision(predicted, actual, order), n == 0 ? 0 : brier / n, ece,
            deciles.Count > 0 ? deciles[0] : 0, calibration, deciles, RocCurve(predicted, actual, order));
    }

    /// <summary>ROC AUC by the rank-sum (Mann–Whitney) formula with average ranks for ties.</summary>
    public static double RocAuc(IReadOnlyList<double> predicted, IReadOnlyList<bool> actual)
    {
        var n = predicted.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => predicted[i]).ToArray();
        double rankSum = 0;
        long positives = 0;
        var k = 0;
        while (k < n)
        {
            var j = k;
            while (j + 1 < n && predicted[order[j + 1]] == predicted[order[k]]) j++;
            var averageRank = (k + j) / 2.0 + 1;
            for (var m = k; m <= j; m++)
            {
                if (actual[order[m]])
                {
                    rankSum += averageRank;
                    positives++;
                }
            }
            k = j + 1;
        }
        var negatives = n - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    private static double AveragePrecision(IReadOnlyList<double> predicted, IReadOnlyList<bool> actual, int[] descending)
    {
        var positives = actual.Count(a => a);
        if (positives == 0)
            return double.NaN;
        double hits = 0, sum = 0;
        for (var k = 0; k < descending.Length; k++)
        {
            if (actual[descending[k]])
            {
                hits++;
                sum += hits / (k + 1);
            }
        }
        return sum / positives;
    }

    private static List<CalibrationBin> CalibrationTable(IReadOnlyList<double> predicted, IReadOnlyList<bool> actual, int[] descending, int bins)
    {
        var n = descending.Length;
        var table = new List<CalibrationBin>();
        for (var b = bins - 1; b >= 0; b--)
        {
            var from = b * n / bins;
            var to = (b + 1) * n / bins;
            if (to <= from)
                continue;
            double p = 0, y = 0;
            for (var k = from; k < to; k++)
            {
                p += predicted[descending[k]];
                y += actual[descending[k]] ? 1 : 0;
            }
            table.Add(new CalibrationBin(to - from, p / (to - from), y / (to - from)));
        }
        return table;
    }

    private static List<(double, double)> RocCurve(IReadOnlyList<double> predicted, IReadOnlyList<bool> actual, int[] descending)
    {
        var positives = actual.Count(a => a);
        var negatives = actual.Count - positives;
        var points = new List<(double, double)> { (0, 0) };
        if (positives == 0 || negatives == 0)
            return points;
        double tp = 0, fp = 0;
        var step = Math.Max(1, descending.Length / 200);
        for (var k = 0; k < descending.Length; k++)
        {
            if (actual[descending[k]]) tp++; else fp++;
            if (k % step == step - 1 || k == descending.Length - 1)
                points.Add((fp / negatives, tp / positives));
        }
        return points;
    }
}
