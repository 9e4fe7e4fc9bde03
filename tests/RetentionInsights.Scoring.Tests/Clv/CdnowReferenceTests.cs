using System.Globalization;
using RetentionInsights.Scoring.Clv;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Clv;

/// <summary>BG/NBD and Gamma–Gamma against the published CDNOW estimates (Fader, Hardie &amp; Lee 2005; ML-REFERENCES.md §2).</summary>
public sealed class CdnowReferenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Lazy<(RfmSummary[] Rows, int[] Holdout)> Cbs = new(() =>
    {
        var lines = File.ReadAllLines(SharedData.Path("cdnow", "derived_cbs_with_holdout.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var rows = lines.Select(f => new RfmSummary(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), SharedData.D(f[2]), SharedData.D(f[3]), SharedData.D(f[4]), TimeUnit.Week)).ToArray();
        return (rows, lines.Select(f => int.Parse(f[5], CultureInfo.InvariantCulture)).ToArray());
    });

    private static readonly Lazy<BgNbdFit> BgFit = new(() => BgNbd.Fit(Cbs.Value.Rows));
    private static readonly Lazy<GammaGammaFit> GgFit = new(() => GammaGamma.Fit(Cbs.Value.Rows));

    private static void Relative(double expected, double actual, double tolerance = 1e-3) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"expected {expected} ±{tolerance:P2}, got {actual}");

    [Fact]
    public void Fit_CdnowWeekly_ReproducesPublishedBgNbdParametersAndLogLikelihood()
    {
        var fit = BgFit.Value;
        Relative(0.2426, fit.Parameters.R);
        Relative(4.4135, fit.Parameters.Alpha);
        Relative(0.7929, fit.Parameters.A);
        Relative(2.4258, fit.Parameters.B);
        Relative(-9582.43, fit.LogLikelihood);
        Assert.Equal(TimeUnit.Week, fit.Parameters.Unit);
        Assert.Equal(2357, fit.Customers);
    }

    [Fact]
    public void Fit_CdnowRepeaters_ReproducesPublishedGammaGammaParameters()
    {
        var fit = GgFit.Value;
        Relative(6.2488, fit.Parameters.P);
        Relative(3.7446, fit.Parameters.Q);
        Relative(15.4477, fit.Parameters.Gamma);
        Relative(-4055.923, fit.LogLikelihood);
        Assert.Equal(946, fit.Customers);
    }

    [Fact]
    public void ConditionalExpectedTransactions_Customer1Next39Weeks_Is1226()
    {
        var p = BgFit.Value.Parameters;
        var e = BgNbd.ConditionalExpectedTransactions(p, 39, 2, 30.43, 38.86);
        Assert.InRange(e, 1.226 - 0.001, 1.226 + 0.001);
        Assert.InRange(BgNbd.ProbabilityAlive(p, 2, 30.43, 38.86), 0.7266 - 0.001, 0.7266 + 0.001);
    }

    [Fact]
    public void ConditionalExpectedTransactions_HoldoutCohortSum_Is1653AgainstObserved1882()
    {
        var p = BgFit.Value.Parameters;
        var (rows, holdout) = Cbs.Value;
        var predicted = rows.Sum(c => BgNbd.ConditionalExpectedTransactions(p, 39, c.Frequency, c.Recency, c.Age));
        var observed = holdout.Sum();
        output.WriteLine($"BG/NBD {BgFit.Value.Parameters} LL {BgFit.Value.LogLikelihood:0.000}; Gamma-Gamma {GgFit.Value.Parameters} LL {GgFit.Value.LogLikelihood:0.000}");
        output.WriteLine($"holdout 39 weeks: predicted {predicted:0.0}, observed {observed}");
        Assert.InRange(predicted, 1653 * 0.99, 1653 * 1.01);
        // BG/NBD is known to under-predict this holdout; the observed figure is reported beside the prediction.
        Assert.Equal(1882, observed);
    }

    [Theory]
    [InlineData(0.1429, 0.0078)]
    [InlineData(1, 0.0532)]
    [InlineData(3, 0.1506)]
    [InlineData(31.8571, 1.0405)]
    [InlineData(78, 1.8576)]
    public void ExpectedTransactions_PublishedParameters_MatchesUnconditionalTable(double t, double expected)
    {
        var p = new BgNbdParameters(0.2425945, 4.4136019, 0.7929199, 2.4258881, TimeUnit.Week);
        Assert.InRange(BgNbd.ExpectedTransactions(p, t), expected - 0.001, expected + 0.001);
    }

    [Fact]
    public void LogLikelihood_HardieEdgeCases_MatchesNote027()
    {
        Assert.InRange(BgNbd.LogLikelihood(0.25, 4, 0.8, 2.5, 0, 0, 40), -0.59947382 - 1e-6, -0.59947382 + 1e-6);
        Assert.InRange(BgNbd.LogLikelihood(0.25, 4, 0.8, 2.5, 200, 38, 40), 100.7957 - 1e-3, 100.7957 + 1e-3);
    }

    [Fact]
    public void ConditionalExpectedSpend_PublishedParameters_MatchesFirstTenCustomers()
    {
        var g = new GammaGammaParameters(6.25, 3.74, 15.44);
        double[] expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
        var rows = Cbs.Value.Rows;
        for (var i = 0; i < 10; i++)
            Assert.InRange(GammaGamma.ConditionalExpectedSpend(g, rows[i].Frequency, rows[i].MeanSpend), expected[i] - 0.1, expected[i] + 0.1);
    }

    [Fact]
    public void Build_CdnowSampleEventLog_ReproducesHardieSummary()
    {
        var transactions = File.ReadLines(SharedData.Path("cdnow", "CDNOW_sample.txt"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new Transaction(int.Parse(f[1], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                DateTime.ParseExact(f[2], "yyyyMMdd", CultureInfo.InvariantCulture), SharedData.D(f[4])))
            .ToArray();
        var built = RfmBuilder.Build(transactions, new DateTime(1997, 9, 30), TimeUnit.Week).ToDictionary(r => r.CustomerId);
        var reference = Cbs.Value.Rows;
        Assert.Equal(reference.Length, built.Count);
        foreach (var r in reference)
        {
            var b = built[r.CustomerId];
            Assert.Equal(r.Frequency, b.Frequency);
            Assert.InRange(b.Recency, r.Recency - 0.006, r.Recency + 0.006);
            Assert.InRange(b.Age, r.Age - 0.006, r.Age + 0.006);
            Assert.InRange(b.MeanSpend, r.MeanSpend - 0.006, r.MeanSpend + 0.006);
        }
        var holdout = RfmBuilder.HoldoutCounts(transactions, new DateTime(1997, 9, 30), new DateTime(1998, 6, 30));
        Assert.Equal(1882, holdout.Values.Sum());
    }

    [Fact]
    public void NonContractual_WeeklyModelMonthlyHorizon_MatchesUnitCorrectLifetimesFigure()
    {
        // lifetimes' Quickstart reports 140.10 for customer 1 only because it reads weekly data as days; with the unit
        // stated (4.345 weeks per month) the value is 36.28 (ML-REFERENCES.md "CLV unit pitfall").
        var bg = new BgNbdParameters(0.2425945, 4.4136019, 0.7929199, 2.4258881, TimeUnit.Week);
        var gg = new GammaGammaParameters(6.2488, 3.7446, 15.4477);
        var c1 = Cbs.Value.Rows[0];
        var clv = ClvCalculator.NonContractual(bg, gg, c1, months: 12, margin: 1.0, annualDiscountRate: Math.Pow(1.01, 12) - 1);
        Assert.InRange(clv, 36.28 - 0.5, 36.28 + 0.5);
        var wrongUnit = c1 with { Unit = TimeUnit.Day };
        Assert.Throws<ArgumentException>(() => ClvCalculator.NonContractual(bg, gg, wrongUnit, 12, 1.0, 0.1));
    }

    [Fact]
    public void Fit_FaderHardieRegularCohort_ReproducesSbgParameters()
    {
        // "How to Project Customer Retention" (2007), regular segment: survivors of 1,000 over 7 years.
        int[] active = [1000, 631, 468, 382, 326, 289, 262, 241];
        var (p, ll) = ShiftedBetaGeometric.Fit(active, TimeUnit.Month, 12);
        Assert.InRange(p.Alpha, 0.704 * 0.99, 0.704 * 1.01);
        Assert.InRange(p.Beta, 1.182 * 0.99, 1.182 * 1.01);
        Assert.InRange(ll, -1680.3 - 0.1, -1680.3 + 0.1);
    }
}
