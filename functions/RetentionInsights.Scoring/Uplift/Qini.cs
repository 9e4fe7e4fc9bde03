namespace RetentionInsights.Scoring.Uplift;

/// <summary>One point of a Qini curve: targeting the top <see cref="Fraction"/> by predicted uplift retains <see cref="Incremental"/>
/// more customers than not targeting them (scaled to the whole treated population).</summary>
public readonly record struct QiniPoint(double Fraction, double Incremental);

/// <summary>A Qini curve and its coefficient: the area between the curve and the random-targeting line, divided by the number of rows.</summary>
public sealed record QiniCurve(IReadOnlyList<QiniPoint> Points, double Area, double Coefficient);

/// <summary>
/// Qini curves (Radcliffe 2007). <see cref="Outcome"/> measures a ranking on randomised outcomes: the incremental customers kept
/// among the top k, treated retained minus control retained scaled to the treated count. <see cref="Truth"/> measures a ranking
/// against known true uplifts (generated data): the cumulative true uplift of the top k. Both report the area above the random
/// line, so a model is compared with the perfect ranking by the ratio of their areas.
/// </summary>
public static class Qini
{
    public static QiniCurve Outcome(IReadOnlyList<double> scores, IReadOnlyList<bool> treated, IReadOnlyList<bool> churned, int points = 10)
    {
        if (scores.Count != treated.Count || scores.Count != churned.Count)
            throw new ArgumentException("scores, treated and churned must have the same length.");
        var order = Order(scores);
        var n = order.Length;
        var gains = new double[n + 1];
        double nt = 0, nc = 0, rt = 0, rc = 0;
        for (var k = 0; k < n; k++)
        {
            var i = order[k];
            if (treated[i]) { nt++; if (!churned[i]) rt++; }
            else { nc++; if (!churned[i]) rc++; }
            gains[k + 1] = rt - (nc > 0 ? rc * nt / nc : 0);
        }
        return Curve(gains, points);
    }

    public static QiniCurve Truth(IReadOnlyList<double> scores, IReadOnlyList<double> trueUplift, int points = 10)
    {
        if (scores.Count != trueUplift.Count)
            throw new ArgumentException("scores and trueUplift must have the same length.");
        var order = Order(scores);
        var gains = new double[order.Length + 1];
        for (var k = 0; k < order.Length; k++)
            gains[k + 1] = gains[k] + trueUplift[order[k]];
        return Curve(gains, points);
    }

    // Highest score first; ties in input order, so a constant score gives the random line's expectation, not a lucky order.
    private static int[] Order(IReadOnlyList<double> scores) =>
        Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();

    private static QiniCurve Curve(double[] gains, int points)
    {
        var n = gains.Length - 1;
        if (n == 0)
            return new QiniCurve([], 0, 0);
        var total = gains[n];
        var area = 0.0;
        for (var k = 1; k <= n; k++)
            area += gains[k] - total * k / n;
        var curve = Enumerable.Range(0, points + 1).Select(j =>
        {
            var k = (int)Math.Round((double)j * n / points);
            return new QiniPoint((double)j / points, gains[k]);
        }).ToArray();
        return new QiniCurve(curve, area, area / n / n);
    }
}
