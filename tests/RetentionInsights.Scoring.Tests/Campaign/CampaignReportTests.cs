using RetentionInsights.Data.Generation;
using RetentionInsights.Data.Reading;
using RetentionInsights.Scoring.Campaign;
using Xunit.Abstractions;

namespace RetentionInsights.Scoring.Tests.Campaign;

/// <summary>
/// The campaign report against the generator's truth: each customer's churn in the period was replayed under both groups with
/// the same random numbers, so the true effect of the campaign on these very customers is known.
/// </summary>
public sealed class CampaignReportTests(ITestOutputHelper output)
{
    private static readonly DateTime From = new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime To = new(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void Build_GeneratedOrg_ConfidenceIntervalContainsTheTrueEffect(int seed)
    {
        var dir = Path.Combine(Path.GetTempPath(), "rtn-campaign-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var db = Path.Combine(dir, "org.db");
            var summary = OrgGenerator.Generate(db, new GeneratorOptions { Contacts = 2_000, Seed = seed, TruthAsOf = From, TruthHorizonDays = (To - From).Days });
            var data = new LocalOrgReader().ReadAll(db);
            var report = CampaignReport.Build(data.Histories, data.Offers, From, To);
            var truth = summary.Truth.ToDictionary(t => t.ContactId);
            var members = data.Histories.Where(h => !h.Contact.ProfilingOptOut && truth.ContainsKey(h.Contact.Id)).Select(h => truth[h.Contact.Id]).ToArray();
            var trueEffect = members.Average(t => (t.ChurnedIfTreated ? 1.0 : 0) - (t.ChurnedIfControl ? 1.0 : 0));
            output.WriteLine($"seed {seed}: treatment {report.Treatment.Contacts} ({report.Treatment.ChurnRate:P2}), control {report.Control.Contacts} ({report.Control.ChurnRate:P2}), " +
                $"difference {report.Effect.ChurnRateDifference:+0.000%;-0.000%} CI [{report.Effect.Ci95[0]:+0.000%;-0.000%}, {report.Effect.Ci95[1]:+0.000%;-0.000%}], true effect {trueEffect:+0.000%;-0.000%}");

            Assert.Equal(members.Length, report.Treatment.Contacts + report.Control.Contacts);
            Assert.Equal(members.Count(t => t.InControlGroup), report.Control.Contacts);
            Assert.Equal(members.Count(t => t.ChurnedWithinHorizon), report.Treatment.Churned + report.Control.Churned);
            Assert.InRange(trueEffect, report.Effect.Ci95[0], report.Effect.Ci95[1]);
            Assert.Equal(0, report.Control.OffersMade);
            Assert.True(report.Treatment.OffersMade > 0 && report.Treatment.OffersAccepted > 0 && report.Treatment.OffersRetained <= report.Treatment.OffersAccepted);
            Assert.True(report.Treatment.Revenue > 0 && report.Treatment.MarginPerContract > 0);
            Assert.False(report.WindowCrossesPeriods);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Build_EmptyWindow_IsRejectedWithBothDates()
    {
        var error = Assert.Throws<ArgumentException>(() => CampaignReport.Build([], [], To, From));
        Assert.Contains("must be after --from", error.Message);
    }
}
