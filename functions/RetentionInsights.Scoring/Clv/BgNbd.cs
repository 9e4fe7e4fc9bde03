using static RetentionInsights.Scoring.Clv.SpecialFunctions;

namespace RetentionInsights.Scoring.Clv;

/// <summary>
/// One customer's repeat-purchase summary in a stated time unit: x repeat transactions, recency t_x (first to last
/// transaction) and age T (first transaction to the calibration end). <see cref="MeanSpend"/> is the mean value of the
/// repeat transactions (Gamma–Gamma's m̄), 0 when x = 0.
/// </summary>
public readonly record struct RfmSummary(string CustomerId, int Frequency, double Recency, double Age, double MeanSpend, TimeUnit Unit);

/// <summary>BG/NBD parameters (Fader, Hardie &amp; Lee 2005) with the unit the rates refer to.</summary>
public sealed record BgNbdParameters(double R, double Alpha, double A, double B, TimeUnit Unit)
{
    public double[] ToLog() => [Math.Log(R), Math.Log(Alpha), Math.Log(A), Math.Log(B)];
}

public sealed record BgNbdFit(BgNbdParameters Parameters, double LogLikelihood, int Customers, int Evaluations, bool Converged);

/// <summary>
/// BG/NBD ("beta-geometric / negative binomial") model of non-contractual repeat purchasing: transactions at a
/// gamma-heterogeneous Poisson rate λ while alive, dropping out after each transaction with beta-heterogeneous probability p.
/// </summary>
public static class BgNbd
{
    /// <summary>Log-likelihood of one customer (x, t_x, T) — the closed form of the 2005 paper, in a numerically safe form.</summary>
    public static double LogLikelihood(double r, double alpha, double a, double b, int x, double tx, double T)
    {
        var a1 = LogGamma(r + x) - LogGamma(r) + r * Math.Log(alpha);
        var a2 = LogGamma(a + b) + LogGamma(b + x) - LogGamma(b) - LogGamma(a + b + x);
        var a3 = -(r + x) * Math.Log(alpha + T);
        var a4 = x > 0 ? Math.Log(a) - Math.Log(b + x - 1) - (r + x) * Math.Log(alpha + tx) : double.NegativeInfinity;
        return a1 + a2 + LogSumExp(a3, a4);
    }

    public static double TotalLogLikelihood(BgNbdParameters p, IReadOnlyList<RfmSummary> data)
    {
        var sum = 0.0;
        foreach (var c in data)
            sum += LogLikelihood(p.R, p.Alpha, p.A, p.B, c.Frequency, c.Recency, c.Age);
        return sum;
    }

    /// <summary>Maximum-likelihood fit over log-parameters, started from method-of-moments-like values.</summary>
    public static BgNbdFit Fit(IReadOnlyList<RfmSummary> data, int maxEvaluations = 40_000)
    {
        if (data.Count == 0)
            throw new ArgumentException("BG/NBD needs at least one customer.", nameof(data));
        var unit = data[0].Unit;
        if (data.Any(d => d.Unit != unit))
            throw new ArgumentException("All summaries must use the same time unit.", nameof(data));

        // Aggregate identical (x, t_x, T) rows: CDNOW-sized cohorts shrink several-fold, so each evaluation is cheaper.
        var groups = data.GroupBy(d => (d.Frequency, d.Recency, d.Age)).Select(g => (g.Key.Frequency, g.Key.Recency, g.Key.Age, Count: g.Count())).ToArray();
        double Negative(double[] logP)
        {
            double r = Math.Exp(logP[0]), alpha = Math.Exp(logP[1]), a = Math.Exp(logP[2]), b = Math.Exp(logP[3]);
            var sum = 0.0;
            foreach (var (x, tx, T, count) in groups)
                sum += count * LogLikelihood(r, alpha, a, b, x, tx, T);
            return -sum;
        }

        var meanRate = data.Sum(d => d.Frequency) / Math.Max(1e-9, data.Sum(d => d.Age));
        var start = new[] { Math.Log(1.0), Math.Log(1.0 / Math.Max(meanRate, 1e-6)), Math.Log(1.0), Math.Log(1.0) };
        var result = Optimizer.Minimize(Negative, start, maxEvaluations: maxEvaluations);
        var p = result.Minimum.Select(Math.Exp).ToArray();
        return new BgNbdFit(new BgNbdParameters(p[0], p[1], p[2], p[3], unit), -result.Value, data.Count, result.Evaluations, result.Converged);
    }

    /// <summary>P(customer still alive at T | x, t_x, T).</summary>
    public static double ProbabilityAlive(BgNbdParameters p, int x, double tx, double T)
    {
        if (x == 0)
            return 1.0;
        var ratio = p.A / (p.B + x - 1) * Math.Exp((p.R + x) * (Math.Log(p.Alpha + T) - Math.Log(p.Alpha + tx)));
        return 1.0 / (1.0 + ratio);
    }

    /// <summary>E[X(t)] for a randomly chosen new customer over a period of length <paramref name="t"/> (in the model's unit).</summary>
    public static double ExpectedTransactions(BgNbdParameters p, double t)
    {
        var z = t / (p.Alpha + t);
        return (p.A + p.B - 1) / (p.A - 1) * (1 - Math.Pow(p.Alpha / (p.Alpha + t), p.R) * Hyp2F1(p.R, p.B, p.A + p.B - 1, z));
    }

    /// <summary>E[Y(t) | x, t_x, T]: expected transactions in the next <paramref name="t"/> units for a customer with this history.</summary>
    public static double ConditionalExpectedTransactions(BgNbdParameters p, double t, int x, double tx, double T)
    {
        var z = t / (p.Alpha + T + t);
        var hyp = Hyp2F1(p.R + x, p.B + x, p.A + p.B + x - 1, z);
        var numerator = (p.A + p.B + x - 1) / (p.A - 1) * (1 - Math.Pow((p.Alpha + T) / (p.Alpha + T + t), p.R + x) * hyp);
        var denominator = x > 0 ? 1 + p.A / (p.B + x - 1) * Math.Pow((p.Alpha + T) / (p.Alpha + tx), p.R + x) : 1;
        return numerator / denominator;
    }
}
