using System.Globalization;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.Generation;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Summary;

namespace RetentionInsights.Data.Tests.Generation;

public sealed class OrgGeneratorTests : IClassFixture<OrgGeneratorTests.GeneratedOrg>
{
    /// <summary>One 5,000-contact org with a truth file, shared by the tests that only read it.</summary>
    public sealed class GeneratedOrg : IDisposable
    {
        public TempDirectory Dir { get; } = new();
        public string Db => Dir.File("org.db");
        public GenerationSummary Result { get; }
        public DateTime TruthAsOf { get; } = new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);

        public GeneratedOrg() => Result = OrgGenerator.Generate(Db, new GeneratorOptions { Contacts = 5_000, Seed = 7, TruthAsOf = TruthAsOf });

        public void Dispose() => Dir.Dispose();
    }

    private readonly GeneratedOrg _org;

    public OrgGeneratorTests(GeneratedOrg org) => _org = org;

    private static long Count(string db, string sql)
    {
        using var c = LocalOrgDatabase.OpenExisting(db, readOnly: true);
        return LocalOrgDatabase.Count(c, sql);
    }

    [Fact]
    public void Generate_SameSeed_GivesSameDatabaseHash()
    {
        using var dir = new TempDirectory();
        OrgGenerator.Generate(dir.File("a.db"), new GeneratorOptions { Contacts = 400, Seed = 11 });
        OrgGenerator.Generate(dir.File("b.db"), new GeneratorOptions { Contacts = 400, Seed = 11 });
        OrgGenerator.Generate(dir.File("c.db"), new GeneratorOptions { Contacts = 400, Seed = 12 });
        string Hash(string name)
        {
            using var c = LocalOrgDatabase.OpenExisting(dir.File(name), readOnly: true);
            return LocalOrgHash.Compute(c);
        }

        Assert.Equal(Hash("a.db"), Hash("b.db"));
        Assert.NotEqual(Hash("a.db"), Hash("c.db"));
    }

    [Fact]
    public void Generate_ExistingDatabase_IsNeverOverwritten()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("org.db"), "keep me");
        var error = Assert.Throws<IOException>(() => OrgGenerator.Generate(dir.File("org.db"), new GeneratorOptions { Contacts = 10 }));
        Assert.Contains("never overwrites", error.Message);
        Assert.Equal("keep me", File.ReadAllText(dir.File("org.db")));
    }

    [Theory]
    [InlineData("SELECT COUNT(*) FROM invoice i LEFT JOIN contact c ON c.contactid = i.customerid WHERE c.contactid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM invoice i LEFT JOIN salesorder o ON o.salesorderid = i.salesorderid WHERE o.salesorderid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM salesorder o LEFT JOIN contact c ON c.contactid = o.customerid WHERE c.contactid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM salesorderdetail d LEFT JOIN salesorder o ON o.salesorderid = d.salesorderid WHERE o.salesorderid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM incident i LEFT JOIN contact c ON c.contactid = i.customerid WHERE c.contactid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM incident i LEFT JOIN incident p ON p.incidentid = i.parentcaseid WHERE i.parentcaseid IS NOT NULL AND p.incidentid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM email e LEFT JOIN contact c ON c.contactid = e.regardingobjectid WHERE c.contactid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM phonecall e LEFT JOIN contact c ON c.contactid = e.regardingobjectid WHERE c.contactid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM rtn_usagereading u LEFT JOIN contact c ON c.contactid = u.rtn_contactid WHERE c.contactid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM rtn_offerrecommendation r LEFT JOIN rtn_offer o ON o.rtn_offerid = r.rtn_offerid WHERE o.rtn_offerid IS NULL")]
    [InlineData("SELECT COUNT(*) FROM rtn_offerrecommendation r LEFT JOIN contact c ON c.contactid = r.rtn_contactid WHERE c.contactid IS NULL")]
    public void Generate_EveryReference_PointsAtAnExistingRow(string orphanQuery)
    {
        Assert.Equal(0, Count(_org.Db, orphanQuery));
    }

    [Fact]
    public void Generate_ChurnedContact_HasNoLaterContractsOrActivity()
    {
        // Churn date = latest end of the contact's contracts; nothing may start after it.
        const string churnDates = """
            WITH churn AS (
              SELECT c.contactid, MAX(COALESCE(o.rtn_cancelledon, o.rtn_contractend)) AS churnedon
              FROM contact c JOIN salesorder o ON o.customerid = c.contactid WHERE c.statecode = 1 GROUP BY c.contactid)
            """;
        Assert.Equal(0, Count(_org.Db, churnDates + "SELECT COUNT(*) FROM churn WHERE churnedon IS NULL"));
        Assert.Equal(0, Count(_org.Db, churnDates + "SELECT COUNT(*) FROM salesorder o JOIN churn ON churn.contactid = o.customerid WHERE substr(o.datefulfilled, 1, 10) > churn.churnedon"));
        Assert.Equal(0, Count(_org.Db, churnDates + "SELECT COUNT(*) FROM incident i JOIN churn ON churn.contactid = i.customerid WHERE substr(i.createdon, 1, 10) > churn.churnedon"));
    }

    [Fact]
    public void Generate_PlantedChurnRate_IsWithinTheConfiguredBand()
    {
        using var c = LocalOrgDatabase.OpenExisting(_org.Db, readOnly: true);
        var summary = OrgSummary.Read(c);
        Assert.InRange(summary.AnnualisedChurnRate, 0.10, 0.22);
        Assert.Equal(summary.ChurnedContacts, _org.Result.Churned);
    }

    [Fact]
    public void Generate_HigherHazardIntercept_RaisesChurn()
    {
        using var dir = new TempDirectory();
        var low = OrgGenerator.Generate(dir.File("low.db"), new GeneratorOptions { Contacts = 1500, Seed = 5, HazardIntercept = -6.5 });
        var high = OrgGenerator.Generate(dir.File("high.db"), new GeneratorOptions { Contacts = 1500, Seed = 5, HazardIntercept = -4.5 });
        Assert.True(high.Churned > 2 * low.Churned, $"churned {low.Churned} at -6.5 vs {high.Churned} at -4.5");
    }

    [Fact]
    public void Hazard_EachRiskSignal_RaisesTheHazard()
    {
        var baseline = new CustomerSimulator.HazardInputs(0, 0, 0, false, false, false, 4, false, 0);
        var h0 = CustomerSimulator.Hazard(baseline, -5.3, 0);
        Assert.True(CustomerSimulator.Hazard(baseline with { Complaints90 = 3 }, -5.3, 0) > h0);
        Assert.True(CustomerSimulator.Hazard(baseline with { LatePayments365 = 3 }, -5.3, 0) > h0);
        Assert.True(CustomerSimulator.Hazard(baseline with { ContractEndWithin60 = true }, -5.3, 0) > h0);
        Assert.True(CustomerSimulator.Hazard(baseline with { UsageDrop = true }, -5.3, 0) > h0);
        Assert.True(CustomerSimulator.Hazard(baseline with { OfferShift = -1 }, -5.3, 0) < h0);
    }

    [Fact]
    public void Truth_CoversExactlyTheContactsActiveAtTheTruthDate()
    {
        var t = StorageFormat.Utc(_org.TruthAsOf);
        var activeAtT = Count(_org.Db, $"""
            SELECT COUNT(*) FROM contact c WHERE c.createdon < '{t}'
              AND NOT (c.statecode = 1 AND (SELECT MAX(COALESCE(o.rtn_cancelledon, o.rtn_contractend)) FROM salesorder o WHERE o.customerid = c.contactid) < '2026-05-01')
            """);
        Assert.Equal(activeAtT, _org.Result.Truth.Count);
        Assert.All(_org.Result.Truth, r => Assert.InRange(r.TrueProbability, 0, 1));
    }

    [Fact]
    public void Truth_IsCalibratedAndInformative()
    {
        var truth = _org.Result.Truth;
        var meanP = truth.Average(r => r.TrueProbability);
        var observed = truth.Average(r => r.ChurnedWithinHorizon ? 1.0 : 0.0);
        // ~4% of ~4,400 contacts churn in 90 days: allow three standard errors.
        var se = Math.Sqrt(meanP * (1 - meanP) / truth.Count);
        Assert.InRange(observed, meanP - 3 * se, meanP + 3 * se);
        var auc = Auc(truth.Select(r => (r.TrueProbability, r.ChurnedWithinHorizon)).ToList());
        Assert.InRange(auc, 0.68, 0.90);
        // Hiding the per-customer trait keeps the average but loses ranking power: the observable truth ranks worse.
        Assert.InRange(truth.Average(r => r.ObservableProbability), meanP * 0.9, meanP * 1.1);
        var observableAuc = Auc(truth.Select(r => (r.ObservableProbability, r.ChurnedWithinHorizon)).ToList());
        Assert.True(observableAuc < auc, $"observable AUC {observableAuc} should be below the full-state AUC {auc}");
    }

    [Fact]
    public void WriteTruth_WritesHeaderAndOneRowPerContact()
    {
        using var dir = new TempDirectory();
        OrgGenerator.WriteTruth(dir.File("truth.csv"), _org.Result.Truth);
        var lines = File.ReadAllLines(dir.File("truth.csv"));
        Assert.StartsWith("contactid,true_probability,churned_within_horizon,observable_probability,churn_if_declined,control_group,churned_if_treated,churned_if_control,disc10_acceptance,disc10_churn_if_accepted,disc10_churn_if_offered,", lines[0]);
        Assert.Equal(lines[0].Split(',').Length, lines[1].Split(',').Length);
        Assert.Equal(_org.Result.Truth.Count + 1, lines.Length);
        var fields = lines[1].Split(',');
        Assert.True(Guid.TryParse(fields[0], out _));
        Assert.InRange(double.Parse(fields[1], CultureInfo.InvariantCulture), 0, 1);
        Assert.Contains(fields[2], new[] { "true", "false" });
        Assert.InRange(double.Parse(fields[3], CultureInfo.InvariantCulture), 0, 1);
    }

    [Fact]
    public void Options_TruthDateOutsideHistory_IsRejectedWithTheValidRange()
    {
        var options = new GeneratorOptions { TruthAsOf = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("2025-08-01 .. 2026-11-01", error.Message);
    }

    [Theory]
    [InlineData("2026-10-01", 90, 15, "use --truth-as-of 2026-08-01 or earlier")]
    [InlineData("2026-08-01", 92, 15, "use --truth-as-of 2026-07-01 or earlier")]
    [InlineData("2026-06-01", 200, 6, "use a later --until")]
    public void Options_TruthHorizonBeyondTheSimulatedHistory_IsRejectedWithTheLatestTruthDateThatFits(string truthAsOf, int horizonDays, int historyMonths, string expected)
    {
        // Before this check the generator ran and then failed with an index error deep inside the simulation.
        var options = new GeneratorOptions { TruthAsOf = DateTime.Parse(truthAsOf, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TruthHorizonDays = horizonDays, HistoryMonths = historyMonths };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(expected, error.Message);
        Assert.Contains("--until is 2026-11-01", error.Message);
    }

    [Fact]
    public void Generate_TruthHorizonEndingExactlyAtUntil_ReportsEveryContactsTruth()
    {
        using var dir = new TempDirectory();
        var result = OrgGenerator.Generate(dir.File("org.db"), new GeneratorOptions
        {
            Contacts = 40, Seed = 5, TruthAsOf = new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc), TruthHorizonDays = 92,
        });
        Assert.NotEmpty(result.Truth);
        Assert.All(result.Truth, t => Assert.Equal(8, t.Offers.Count));
    }

    internal static double Auc(IReadOnlyList<(double Score, bool Positive)> rows)
    {
        var ordered = rows.OrderBy(r => r.Score).ToList();
        double rankSum = 0;
        var i = 0;
        while (i < ordered.Count)
        {
            var j = i;
            while (j + 1 < ordered.Count && ordered[j + 1].Score == ordered[i].Score)
                j++;
            var rank = (i + j + 2) / 2.0;
            for (var k = i; k <= j; k++)
            {
                if (ordered[k].Positive)
                    rankSum += rank;
            }
            i = j + 1;
        }
        double positives = rows.Count(r => r.Positive);
        var negatives = rows.Count - positives;
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    [Fact]
    public void Generate_ErpExportMode_HasTheHabitsOfRealSourceSystems()
    {
        using var dir = new TempDirectory();
        var db = dir.File("erp.db");
        OrgGenerator.Generate(db, new GeneratorOptions { Contacts = 1500, Seed = 9, ExportMode = ExportMode.Erp, ExportAt = new DateTime(2026, 10, 15, 0, 0, 0, DateTimeKind.Utc) });

        // Cancellations overwrite the end date and often leave rtn_cancelledon empty; the term as signed survives.
        Assert.True(Count(db, "SELECT COUNT(*) FROM salesorder WHERE statecode = 2") > 20);
        Assert.Equal(0, Count(db, "SELECT COUNT(*) FROM salesorder WHERE statecode = 2 AND (rtn_contractend IS NULL OR rtn_contractend <> substr(modifiedon, 1, 10) AND rtn_contractend > substr(modifiedon, 1, 10))"));
        Assert.True(Count(db, "SELECT COUNT(*) FROM salesorder WHERE statecode = 2 AND rtn_cancelledon IS NULL") > 5);
        Assert.True(Count(db, "SELECT COUNT(*) FROM salesorder WHERE rtn_tariff = 471500000 AND rtn_termmonths IN (12, 36)") > 500);
        // Contracts signed before the export but starting after it have no datefulfilled yet.
        Assert.True(Count(db, "SELECT COUNT(*) FROM salesorder WHERE datefulfilled IS NULL") > 0);
        Assert.Equal(0, Count(db, "SELECT COUNT(*) FROM salesorder WHERE datefulfilled >= '2026-10-15'"));
        // Roll-overs, solar owners, rejected and cancelled case resolutions.
        Assert.True(Count(db, "SELECT COUNT(*) FROM salesorder WHERE name LIKE '%(rolled over)' OR name LIKE '%(verlengd)'") > 20);
        Assert.True(Count(db, "SELECT COUNT(DISTINCT rtn_contactid) FROM rtn_usagereading WHERE rtn_electricitykwh < 0") > 50);
        Assert.True(Count(db, "SELECT COUNT(*) FROM incidentresolution WHERE statecode = 2 AND modifiedon > actualend") > 50);
        Assert.True(Count(db, "SELECT COUNT(*) FROM incident WHERE statecode = 2") > 20);
        Assert.Equal(0, Count(db, "SELECT COUNT(*) FROM incidentresolution r LEFT JOIN incident i ON i.incidentid = r.incidentid WHERE i.incidentid IS NULL"));
    }

    [Fact]
    public void Generate_ExportAtEarlierDate_HoldsOnlyWhatExistedThen()
    {
        using var dir = new TempDirectory();
        var exportAt = new DateTime(2026, 5, 5, 0, 0, 0, DateTimeKind.Utc);
        var early = dir.File("early.db");
        var late = dir.File("late.db");
        OrgGenerator.Generate(early, new GeneratorOptions { Contacts = 800, Seed = 4, ExportMode = ExportMode.Erp, ExportAt = exportAt });
        OrgGenerator.Generate(late, new GeneratorOptions { Contacts = 800, Seed = 4, ExportMode = ExportMode.Erp });

        foreach (var table in new[] { "contact", "salesorder", "invoice", "incident", "email", "phonecall", "rtn_usagereading", "incidentresolution", "rtn_offerrecommendation" })
            Assert.Equal(0, Count(early, $"SELECT COUNT(*) FROM {table} WHERE createdon >= '2026-05-05'"));
        Assert.Equal(0, Count(early, "SELECT COUNT(*) FROM invoice WHERE rtn_paidon >= '2026-05-05'"));
        Assert.Equal(0, Count(early, "SELECT COUNT(*) FROM salesorder WHERE rtn_cancelledon >= '2026-05-05' OR datefulfilled >= '2026-05-05'"));
        // The same invoices exist in both exports up to the earlier date: one simulated history, two export days.
        Assert.Equal(Count(early, "SELECT COUNT(*) FROM invoice"), Count(late, "SELECT COUNT(*) FROM invoice WHERE createdon < '2026-05-05'"));
        // An offer answered after the export date is still open in that export: no answer from the future.
        Assert.Equal(0, Count(early, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE rtn_respondedon >= '2026-05-05'"));
        Assert.Equal(Count(early, "SELECT COUNT(*) FROM rtn_offerrecommendation"), Count(late, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE createdon < '2026-05-05'"));
        var answeredLater = Count(late, "SELECT COUNT(*) FROM rtn_offerrecommendation WHERE createdon < '2026-05-05' AND rtn_respondedon >= '2026-05-05'");
        Assert.True(answeredLater > 0, "no offer made before the export date was answered after it");
        var unanswered = $"rtn_status IN ({Names.Choices.RecommendationProposed}, {Names.Choices.RecommendationExpired})";
        Assert.Equal(Count(late, $"SELECT COUNT(*) FROM rtn_offerrecommendation WHERE createdon < '2026-05-05' AND {unanswered}") + answeredLater,
            Count(early, $"SELECT COUNT(*) FROM rtn_offerrecommendation WHERE {unanswered}"));
        Assert.True(Count(late, "SELECT COUNT(*) FROM contact WHERE statecode = 1") > Count(early, "SELECT COUNT(*) FROM contact WHERE statecode = 1"));
    }

    [Fact]
    public void Hazard_ErpSignals_RaiseTheHazard()
    {
        var baseline = new CustomerSimulator.HazardInputs(0, 0, 0, false, false, false, 4, false, 0.0);
        var h0 = CustomerSimulator.Hazard(baseline, -5.3, 0);
        Assert.True(CustomerSimulator.Hazard(baseline with { RolledOver120 = true }, -5.3, 0) > h0);
        Assert.True(CustomerSimulator.Hazard(baseline with { BillingError60 = true }, -5.3, 0) > h0);
        Assert.True(CustomerSimulator.Hazard(baseline with { ReopenedCase90 = true }, -5.3, 0) > h0);
    }
}
