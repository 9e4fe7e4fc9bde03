using static RetentionInsights.Scoring.Clv.SpecialFunctions;

namespace RetentionInsights.Scoring.Clv;

/// <summary>Gamma–Gamma spend parameters (Fader, Hardie &amp; Lee 2005, JMR): E[M] = pγ/(q−1).</summary>
public sealed record GammaGammaParameters(double P, double Q, double Gamma)
{
    public double PopulationMeanSpend => Q > 1 ? P * Gamma / (Q - 1) : double.NaN;
}

public sealed record GammaGammaFit(GammaGammaParameters Parameters, double LogLikelihood, int Customers, int Evaluations, bool Converged);

/// <summary>
/// Gamma–Gamma model of the value per transaction, fitted on repeat customers' mean repeat spend. Assumes spend is
/// independent of frequency (check before use).
/// </summary>
public static class GammaGamma
{
    public static double LogLikelihood(double p, double q, double gamma, int x, double meanSpend)
    {
        var px = p * x;
        return LogGamma(px + q) - LogGamma(px) - LogGamma(q) + q * Math.Log(gamma)
            + (px - 1) * Math.Log(meanSpend) + px * Math.Log(x) - (px + q) * Math.Log(gamma + x * meanSpend);
    }

    /// <summary>Fits on customers with x &gt; 0 and a positive mean spend; others carry no spend information.</summary>
    public static GammaGammaFit Fit(IReadOnlyList<RfmSummary> data, int maxEvaluations = 40_000)
    {
        var repeaters = data.Where(d => d.Frequency > 0 && d.MeanSpend > 0).ToArray();
        if (repeaters.Length < 3)
            throw new ArgumentException("Gamma–Gamma needs at least three repeat customers with positive spend.", nameof(data));
        double Negative(double[] logP)
        {
            double p = Math.Exp(logP[0]), q = Math.Exp(logP[1]), g = Math.Exp(logP[2]);
            var sum = 0.0;
            foreach (var c in repeaters)
                sum += LogLikelihood(p, q, g, c.Frequency, c.MeanSpend);
            return -sum;
        }
        var mean = repeaters.Average(c => c.MeanSpend);
        var result = Optimizer.Minimize(Negative, [0.0, Math.Log(2.0), Math.Log(mean)], maxEvaluations: maxEvaluations);
        var v = result.Minimum.Select(Math.Exp).ToArray();
        return new GammaGammaFit(new GammaGammaParameters(v[0], v[1], v[2]), -result.Value, repeaters.Length, result.Evaluations, result.Converged);
    }

    /// <summary>E[M | x, m̄]: the customer's expected spend per transaction, shrunk towards the population mean.</summary>
    public static double ConditionalExpectedSpend(GammaGammaParameters g, int x, double meanSpend) =>
        x == 0 ? g.PopulationMeanSpend : g.P * (g.Gamma + x * meanSpend) / (g.P * x + g.Q - 1);
}
