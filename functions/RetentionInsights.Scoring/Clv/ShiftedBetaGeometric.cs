using static RetentionInsights.Scoring.Clv.SpecialFunctions;

namespace RetentionInsights.Scoring.Clv;

/// <summary>Shifted-beta-geometric churn parameters (Fader &amp; Hardie 2007), per renewal period of the stated unit.</summary>
public sealed record SbgParameters(double Alpha, double Beta, TimeUnit PeriodUnit, double PeriodLength)
{
    /// <summary>P(T = t): the probability of churning exactly at renewal t (t ≥ 1).</summary>
    public double ChurnAt(int t) => Math.Exp(LogBeta(Alpha + 1, Beta + t - 1) - LogBeta(Alpha, Beta));

    /// <summary>S(t): the share of a cohort still active after t periods.</summary>
    public double Survival(int t) => Math.Exp(LogBeta(Alpha, Beta + t) - LogBeta(Alpha, Beta));

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);
}

/// <summary>
/// Contractual retention: fits sBG to a cohort's survivors per period (maximum likelihood over log-parameters).
/// </summary>
public static class ShiftedBetaGeometric
{
    /// <summary><paramref name="activeAtPeriod"/>[0] is the cohort size, [t] the customers still active after t periods.</summary>
    public static (SbgParameters Parameters, double LogLikelihood) Fit(IReadOnlyList<int> activeAtPeriod, TimeUnit unit = TimeUnit.Month, double periodLength = 12)
    {
        if (activeAtPeriod.Count < 3)
            throw new ArgumentException("sBG needs a cohort size and at least two periods.", nameof(activeAtPeriod));
        double Negative(double[] logP)
        {
            var p = new SbgParameters(Math.Exp(logP[0]), Math.Exp(logP[1]), unit, periodLength);
            var ll = 0.0;
            for (var t = 1; t < activeAtPeriod.Count; t++)
                ll += (activeAtPeriod[t - 1] - activeAtPeriod[t]) * Math.Log(p.ChurnAt(t));
            ll += activeAtPeriod[^1] * Math.Log(p.Survival(activeAtPeriod.Count - 1));
            return -ll;
        }
        var result = Optimizer.Minimize(Negative, [0.0, 0.0]);
        return (new SbgParameters(Math.Exp(result.Minimum[0]), Math.Exp(result.Minimum[1]), unit, periodLength), -result.Value);
    }
}
