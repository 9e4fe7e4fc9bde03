using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Features;

public sealed class FeatureBuilderTests
{
    private static readonly DateTime T = HistoryProducer.T;

    private static float Feature(float[] row, string name) => row[FeatureSchema.IndexOf(name)];

    [Fact]
    public void Build_RecordsAddedAfterSnapshot_ChangeNoFeature()
    {
        var id = Guid.NewGuid();
        var offer = Guid.NewGuid();
        var before = HistoryProducer.Typical(id).Recommendation(offer, T.AddDays(-30), Names.Choices.RecommendationDeclined, T.AddDays(-28))
            .Recommendation(offer, T.AddDays(-2), Names.Choices.RecommendationProposed);
        var baseline = FeatureBuilder.Build(before.Build(), T);

        // Everything that happens from T on: cases, complaints, messages, a cancellation, later invoices (paid late),
        // readings, offers and their responses, a new contract — none of it may change a feature at T.
        var after = HistoryProducer.Typical(id).Recommendation(offer, T.AddDays(-30), Names.Choices.RecommendationDeclined, T.AddDays(-28))
            .Order(T.AddDays(5), null, annual: 2400m)
            .Invoices(T.AddMonths(3), T.AddMonths(8), amount: 400m, daysLate: 60)
            .Case(T, resolved: T.AddDays(2))
            .Case(T.AddDays(3))
            .Case(T.AddDays(10), Names.Standard.CaseTypeRequest, priority: 1)
            .Usage(T.AddMonths(3), T.AddMonths(6), kwh: 5)
            .Recommendation(offer, T.AddDays(1), Names.Choices.RecommendationAccepted, T.AddDays(2))
            .Recommendation(offer, T.AddDays(-2), Names.Choices.RecommendationDeclined, T.AddDays(3)); // proposed before T, answered after
        after.Message(T, text: "Ik zeg op!");
        after.Message(T.AddHours(5), kind: ActivityKind.PhoneCall, minutes: 40);
        var sentiment = new MessageSentiment(new Dictionary<Guid, double> { [after.Message(T.AddDays(1), text: "slecht")] = -0.9 });
        Assert.Equal(baseline, FeatureBuilder.Build(after.Build(), T, sentiment));
    }

    [Fact]
    public void Build_FactsRecordedLaterAboutOlderRecords_ChangeNoFeature()
    {
        // Current-state fields: the contract cancelled after T, an invoice paid after T, a case resolved after T, the contact
        // now inactive. At T none of this was known.
        var open = new HistoryProducer().Order(T.AddYears(-1), null).Invoices(T.AddYears(-1), T, lateness: m => m == T.AddMonths(-1) ? null : -2)
            .Case(T.AddDays(-5));
        var baseline = FeatureBuilder.Build(open.Build(), T);
        var id = open.Id;
        var later = new HistoryProducer(id: id, joined: T.AddYears(-3)).Order(T.AddYears(-1), null, cancelled: T.AddDays(20))
            .Invoices(T.AddYears(-1), T, lateness: m => m == T.AddMonths(-1) ? 30 : -2)
            .Case(T.AddDays(-5), resolved: T.AddDays(4))
            .Contact(c => c with { StateCode = Names.Standard.ContactInactive });
        Assert.Equal(baseline, FeatureBuilder.Build(later.Build(), T));
    }

    [Fact]
    public void Build_TypicalCustomer_CountsCasesPaymentsAndContactsInTheirWindows()
    {
        var p = HistoryProducer.Typical().Case(T.AddDays(-10), resolved: null).Case(T.AddDays(-100), resolved: T.AddDays(-90), parent: Guid.NewGuid());
        var row = FeatureBuilder.Build(p.Build(), T);
        Assert.Equal(1, Feature(row, "complaints_30"));
        Assert.Equal(2, Feature(row, "complaints_90"));
        Assert.Equal(3, Feature(row, "complaints_365"));
        Assert.Equal(1, Feature(row, "open_cases"));
        Assert.Equal(1, Feature(row, "reopened_cases_365"));
        // Invoices due in the last year: every month with month % 4 == 0 was paid 9 days late (Feb, Jun... before T: 3 of 12).
        Assert.Equal(3, Feature(row, "late_payments_365"));
        Assert.Equal(0, Feature(row, "very_late_payments_365"));
        Assert.Equal(0.75f, Feature(row, "share_paid_on_time_365"), 0.001);
        Assert.Equal(2, Feature(row, "inbound_90"));
        Assert.Equal(1, Feature(row, "long_calls_60"));
        Assert.Equal(1, Feature(row, "outbound_90"));
        Assert.Equal(1, Feature(row, "contract_end_within_60"));
        Assert.Equal(29, Feature(row, "days_to_contract_end"), 0.5);
        Assert.Equal(3, Feature(row, "tenure_years"), 0.01);
    }

    [Fact]
    public void Build_UnpaidInvoicePastDue_CountsAsOverdueAndLate()
    {
        var p = new HistoryProducer().Order(T.AddYears(-1), null)
            .Invoices(T.AddMonths(-12), T, lateness: m => m >= T.AddMonths(-2) ? null : -1);
        var row = FeatureBuilder.Build(p.Build(), T);
        Assert.Equal(2, Feature(row, "overdue_invoices"));
        Assert.Equal(2, Feature(row, "late_payments_365"));
        Assert.Equal(1, Feature(row, "very_late_payments_365")); // due 47 days before T
    }

    [Fact]
    public void Build_UsageHalvedInLastTwoReadings_FlagsUsageDrop()
    {
        var p = new HistoryProducer().Order(T.AddYears(-2), null).Usage(T.AddMonths(-10), T, shape: m => m >= T.AddMonths(-2) ? 100 : 300);
        var row = FeatureBuilder.Build(p.Build(), T);
        Assert.Equal(1, Feature(row, "usage_drop"));
        Assert.Equal(100 / 300f, Feature(row, "usage_trend"), 0.001);
    }

    [Fact]
    public void Build_InstalmentRaised_ReportsDaysSinceIncreaseAndChange()
    {
        var p = new HistoryProducer().Order(T.AddYears(-2), null).Invoices(T.AddMonths(-12), T.AddMonths(-1), amount: 100m).Invoices(T.AddMonths(-1), T, amount: 110m);
        var row = FeatureBuilder.Build(p.Build(), T);
        Assert.Equal((T - T.AddMonths(-1).AddHours(6)).TotalDays, Feature(row, "days_since_price_increase"), 0.01);
        Assert.Equal(0.10f, Feature(row, "price_change_90"), 0.001);
    }

    [Fact]
    public void Build_SentimentOfInboundMessages_AveragesLast60DaysAndCountsNegatives()
    {
        var p = new HistoryProducer().Order(T.AddYears(-2), null);
        var scores = new Dictionary<Guid, double>
        {
            [p.Message(T.AddDays(-5))] = -0.8,
            [p.Message(T.AddDays(-20))] = -0.3,
            [p.Message(T.AddDays(-100))] = 0.5,
            [p.Message(T.AddDays(-3), outgoing: true)] = -1.0,
        };
        var row = FeatureBuilder.Build(p.Build(), T, new MessageSentiment(scores));
        Assert.Equal(-0.55f, Feature(row, "sentiment_mean_60"), 0.001);
        Assert.Equal(-0.8f, Feature(row, "sentiment_min_60"), 0.001);
        Assert.Equal(1.5f, Feature(row, "negative_messages_60"), 0.001);
        Assert.Equal(-1.05f, Feature(row, "sentiment_trend"), 0.001);
    }

    [Fact]
    public void Build_DeclinedAndAcceptedOffers_CountOnlyResponsesBeforeSnapshot()
    {
        var offer = Guid.NewGuid();
        var p = new HistoryProducer().Order(T.AddYears(-2), null)
            .Recommendation(offer, T.AddDays(-50), Names.Choices.RecommendationDeclined, T.AddDays(-48))
            .Recommendation(offer, T.AddDays(-300), Names.Choices.RecommendationDeclined, T.AddDays(-299))
            .Recommendation(offer, T.AddDays(-20), Names.Choices.RecommendationAccepted, T.AddDays(-18))
            .Recommendation(offer, T.AddDays(-5), Names.Choices.RecommendationDeclined, T.AddDays(1));
        var row = FeatureBuilder.Build(p.Build(), T);
        Assert.Equal(1, Feature(row, "offers_declined_180"));
        Assert.Equal(1, Feature(row, "offer_accepted_180"));
        Assert.Equal(3, Feature(row, "offers_proposed_90"));
    }

    [Fact]
    public void Schema_EveryFeature_HasEnglishAndDutchReasonOrIsMarkedSilent()
    {
        Assert.Equal(FeatureSchema.Names.Length, FeatureSchema.Names.Distinct().Count());
        foreach (var f in FeatureSchema.All)
        {
            Assert.Equal(f.English == "*", f.Dutch == "*");
            if (f.English != "*")
                Assert.NotEqual(f.English, f.Dutch);
        }
        Assert.Equal(FeatureSchema.Count, FeatureBuilder.Build(new HistoryProducer().Build(), T).Length);
    }

    [Fact]
    public void Build_BillingErrorLastMonth_ReportsMultipleOfUsualInvoice()
    {
        var p = new HistoryProducer().Order(T.AddYears(-2), null).Invoices(T.AddMonths(-10), T.AddMonths(-1), amount: 120m).Invoices(T.AddMonths(-1), T, amount: 420m);
        Assert.Equal(3.5f, Feature(FeatureBuilder.Build(p.Build(), T), "invoice_vs_usual_90"), 0.001);
        var usual = new HistoryProducer().Order(T.AddYears(-2), null).Invoices(T.AddMonths(-10), T, amount: 120m);
        Assert.Equal(1f, Feature(FeatureBuilder.Build(usual.Build(), T), "invoice_vs_usual_90"));
    }

    [Fact]
    public void Build_SolarOwnerNetBelowZeroInSummer_NoUsageDrop()
    {
        // Net use of a solar owner: 300 kWh in winter, -150 in summer. Ten months of readings end in July.
        var july = new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc);
        var p = new HistoryProducer(july.AddYears(-3)).Order(july.AddYears(-2), null)
            .Usage(july.AddMonths(-10), july, shape: m => m.Month is >= 5 and <= 8 ? -150 : 300);
        var row = FeatureBuilder.Build(p.Build(), july);
        Assert.Equal(0, Feature(row, "usage_drop"));
        Assert.Equal(1f, Feature(row, "usage_trend"));
    }

    [Fact]
    public void Build_WinterBillsRiseAsLastYear_NoPriceChangeButARealRiseShows()
    {
        // Bills follow use: 100 in summer months, 160 from November. The same pattern a year earlier makes it season.
        static decimal Seasonal(DateTime m) => m.Month is >= 11 or <= 2 ? 160m : 100m;
        var t = new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var history = new HistoryProducer(t.AddYears(-3)).Order(t.AddYears(-2), null).Build();
        var invoices = Enumerable.Range(1, 18).Select(k => t.AddMonths(-k))
            .Select(m => new InvoiceRecord(Guid.NewGuid(), history.Contact.Id, null, Seasonal(m), m.AddDays(14), m.AddDays(10), m.AddHours(6))).ToArray();
        var row = FeatureBuilder.Build(history with { Invoices = invoices }, t);
        Assert.Equal(0f, Feature(row, "price_change_90"), 0.001);
        // Only last year's rise, which had no year before it to compare with, can read as a price increase.
        Assert.True(Feature(row, "days_since_price_increase") > 365);

        var dearer = invoices.Select(v => v.CreatedOn >= t.AddMonths(-2) ? v with { Amount = v.Amount * 1.10m } : v).ToArray();
        var raised = FeatureBuilder.Build(history with { Invoices = dearer }, t);
        Assert.Equal(0.10f, Feature(raised, "price_change_90"), 0.001);
        Assert.True(Feature(raised, "days_since_price_increase") < 62);
    }

    [Fact]
    public void Build_TariffRaisedEveryJanuaryAndJuly_EachRiseIsAPriceIncreaseNotSeason()
    {
        // Flat monthly instalments that go up 8 % every January and July, as supplier tariffs do: the same months rose a year
        // before too, yet the bill sets a new high each time, so it is a price increase and not season.
        var t = new DateTime(2026, 8, 15, 0, 0, 0, DateTimeKind.Utc);
        var history = new HistoryProducer(t.AddYears(-3)).Order(t.AddYears(-3), null).Build();
        var invoices = Enumerable.Range(1, 30).Select(k => new DateTime(2026, 8, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-k + 1))
            .Select(m => (Month: m, Raises: Enumerable.Range(0, 3).Sum(y => (m >= new DateTime(2024 + y, 1, 1) ? 1 : 0) + (m >= new DateTime(2024 + y, 7, 1) ? 1 : 0))))
            .Select(x => new InvoiceRecord(Guid.NewGuid(), history.Contact.Id, null, Math.Round(100m * (decimal)Math.Pow(1.08, x.Raises), 2), x.Month.AddDays(14), x.Month.AddDays(10), x.Month.AddHours(6)))
            .ToArray();
        var row = FeatureBuilder.Build(history with { Invoices = invoices }, t);
        Assert.Equal((t - new DateTime(2026, 7, 1, 6, 0, 0, DateTimeKind.Utc)).TotalDays, Feature(row, "days_since_price_increase"), 0.01);

        var beforeJuly = FeatureBuilder.Build(history with { Invoices = invoices.Where(v => v.CreatedOn.Month != 7 || v.CreatedOn.Year != 2026).ToArray() }, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal((new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc) - new DateTime(2026, 1, 1, 6, 0, 0, DateTimeKind.Utc)).TotalDays, Feature(beforeJuly, "days_since_price_increase"), 0.01);
    }

    [Fact]
    public void Build_YearlySettlementAsLastYear_IsNotAPriceIncreaseEvenOnALaterDay()
    {
        // Flat instalments of 100 and a yearly settlement of 300 each March: last year's on 1 March, this year's on 5 March.
        var t = new DateTime(2026, 4, 10, 0, 0, 0, DateTimeKind.Utc);
        var history = new HistoryProducer(t.AddYears(-3)).Order(t.AddYears(-3), null).Build();
        var months = Enumerable.Range(0, 26).Select(k => new DateTime(2024, 3, 1, 6, 0, 0, DateTimeKind.Utc).AddMonths(k)).Where(m => m < t);
        var invoices = months.Select(m => new InvoiceRecord(Guid.NewGuid(), history.Contact.Id, null, 100m, m.AddDays(14), m.AddDays(10), m))
            .Append(new InvoiceRecord(Guid.NewGuid(), history.Contact.Id, null, 300m, new DateTime(2025, 3, 15), new DateTime(2025, 3, 10), new DateTime(2025, 3, 1, 7, 0, 0, DateTimeKind.Utc)))
            .Append(new InvoiceRecord(Guid.NewGuid(), history.Contact.Id, null, 300m, new DateTime(2026, 3, 19), new DateTime(2026, 3, 14), new DateTime(2026, 3, 5, 7, 0, 0, DateTimeKind.Utc)))
            .ToArray();
        var row = FeatureBuilder.Build(history with { Invoices = invoices }, t);
        Assert.True(Feature(row, "days_since_price_increase") > 365);
    }

    [Fact]
    public void Build_ResolutionRejectedBeforeT_CountsReopenOnlyFromItsDate()
    {
        var p = new HistoryProducer().Order(T.AddYears(-2), null).Case(T.AddDays(-50), resolved: T.AddDays(-3));
        var history = p.Build();
        var caseId = history.Cases[0].Id;
        history = history with { CaseResolutions = [new CaseResolutionRecord(Guid.NewGuid(), caseId, T.AddDays(-45), T.AddDays(-30)), new CaseResolutionRecord(Guid.NewGuid(), caseId, T.AddDays(-3), null)] };
        var row = FeatureBuilder.Build(history, T);
        Assert.Equal(1, Feature(row, "reopened_90"));
        Assert.Equal(1, Feature(row, "reopened_cases_365"));
        Assert.Equal(1f, Feature(row, "reopened_share_365"));
        Assert.Equal(0, Feature(row, "open_cases"));
        var before = FeatureBuilder.Build(history, T.AddDays(-35));
        Assert.Equal(0, Feature(before, "reopened_90"));
        Assert.Equal(0, Feature(before, "open_cases"));
        Assert.Equal(1, Feature(FeatureBuilder.Build(history, T.AddDays(-20)), "open_cases"));
    }

    [Fact]
    public void Build_FixedContractRolledOverToDearerVariable_ReportsDaysSinceRollOver()
    {
        var fixedStart = T.AddYears(-1).AddDays(-60);
        var history = new HistoryProducer().Build();
        OrderRecord Contract(DateTime start, DateTime? end, decimal annual, int tariff) =>
            new(Guid.NewGuid(), history.Contact.Id, "Energiecontract", annual, null, start, end, null, 3, start.AddDays(-20)) { Tariff = tariff };
        var fixedOne = Contract(fixedStart, fixedStart.AddYears(1).AddDays(-1), 1800m, Names.Choices.TariffFixed);
        var rolled = history with { Orders = [fixedOne, Contract(fixedStart.AddYears(1), null, 2050m, Names.Choices.TariffVariable)] };
        Assert.Equal(60f, Feature(FeatureBuilder.Build(rolled, T), "days_since_rollover"), 0.5);
        Assert.Equal(1, Feature(FeatureBuilder.Build(rolled, T), "contract_variable"));
        var chosen = history with { Orders = [fixedOne, Contract(fixedStart.AddYears(1), null, 1810m, Names.Choices.TariffVariable)] };
        Assert.Equal(400f, Feature(FeatureBuilder.Build(chosen, T), "days_since_rollover"));
    }
}
