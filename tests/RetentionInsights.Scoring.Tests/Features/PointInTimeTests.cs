using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Features;

public sealed class PointInTimeTests
{
    private static readonly DateTime T = HistoryProducer.T;
    private static readonly Guid Contact = Guid.NewGuid();

    private static OrderRecord Order(DateTime? start, DateTime? end, DateTime? cancelled = null, int state = 3, int? tariff = null, int? term = null, DateTime? modified = null) =>
        new(Guid.NewGuid(), Contact, "Energiecontract", 1800m, null, start, end, cancelled, state, (start ?? T).AddDays(-20))
        {
            Tariff = tariff,
            TermMonths = term,
            ModifiedOn = modified,
        };

    [Fact]
    public void KnownEnd_EndOverwrittenWithTerminationAfterT_ReadsSameAsBeforeTheOverwrite()
    {
        // A one-year contract from T-200 days: planned end T+164. The customer leaves at T+20 and the ERP overwrites the end.
        var start = T.AddDays(-200);
        var planned = start.AddYears(1).AddDays(-1);
        var before = Order(start, planned);
        var overwritten = Order(start, T.AddDays(20), state: Names.Standard.OrderCanceled, modified: T.AddDays(22));

        Assert.Equal(planned, PointInTime.KnownEnd(before, T));
        Assert.Equal(planned, PointInTime.KnownEnd(overwritten, T));
    }

    [Fact]
    public void KnownEnd_TermColumn_WinsOverAnOverwrittenEndDate()
    {
        var start = T.AddYears(-1);
        var overwritten = Order(start, T.AddDays(10), cancelled: T.AddDays(10), state: Names.Standard.OrderCanceled, tariff: Names.Choices.TariffFixed, term: 36);
        Assert.Equal(start.AddMonths(36).AddDays(-1), PointInTime.KnownEnd(overwritten, T));
    }

    [Fact]
    public void KnownEnd_VariableTariff_HasNoEndEvenWhenTheExportFilledOne()
    {
        var order = Order(T.AddYears(-1), T.AddDays(15), cancelled: T.AddDays(15), state: Names.Standard.OrderCanceled, tariff: Names.Choices.TariffVariable);
        Assert.Null(PointInTime.KnownEnd(order, T));
        Assert.True(PointInTime.IsVariable(order, T));
    }

    [Fact]
    public void CancelledOn_CancelledStateWithoutDate_TakesEarlierOfEndAndModification()
    {
        Assert.Equal(T.AddDays(5), PointInTime.CancelledOn(Order(T.AddYears(-1), T.AddDays(5), state: Names.Standard.OrderCanceled, modified: T.AddDays(40))));
        Assert.Equal(T.AddDays(3), PointInTime.CancelledOn(Order(T.AddYears(-1), T.AddDays(100), state: Names.Standard.OrderCanceled, modified: T.AddDays(3))));
        Assert.Null(PointInTime.CancelledOn(Order(T.AddYears(-1), T.AddDays(100))));
    }

    [Fact]
    public void RunningContract_SignedButNotStarted_IsNotRunning()
    {
        var history = new HistoryProducer().Build() with
        {
            Orders = [Order(T.AddYears(-1), T.AddDays(-2)), Order(null, null, state: Names.Standard.OrderActive)],
        };
        Assert.Null(PointInTime.RunningContract(history, T));
        Assert.Equal(1, FeatureBuilder.Build(history, T)[FeatureSchema.IndexOf("contracts_started")]);
    }

    [Fact]
    public void StatusAt_InactiveNowButLeftAfterT_WasACustomerAtT()
    {
        var history = new HistoryProducer().Contact(c => c with { StateCode = 1 }).Order(T.AddYears(-1), T.AddYears(1).AddDays(-1), cancelled: T.AddDays(30)).Build();
        Assert.Equal(CustomerStatusAt.Customer, PointInTime.StatusAt(history, T));
        Assert.Equal(CustomerStatusAt.Left, PointInTime.StatusAt(history, T.AddDays(31)));
        Assert.True(PointInTime.LeavesWithin(history, T, 90));
        Assert.False(PointInTime.LeavesWithin(history, T, 30));
    }

    [Fact]
    public void StatusAt_InactiveWithoutContracts_UsesLastRecord()
    {
        var history = new HistoryProducer(T.AddYears(-2)).Contact(c => c with { StateCode = 1 }).Invoices(T.AddYears(-1), T.AddMonths(-3)).Build();
        Assert.Equal(CustomerStatusAt.Left, PointInTime.StatusAt(history, T));
        Assert.Equal(CustomerStatusAt.Customer, PointInTime.StatusAt(history, T.AddMonths(-6)));
        var nothing = new HistoryProducer(T.AddYears(-2)).Contact(c => c with { StateCode = 1 }).Build();
        Assert.Equal(CustomerStatusAt.LeftOnUnknownDate, PointInTime.StatusAt(nothing, T));
    }

    [Fact]
    public void OpenAt_CancelledCase_ClosedFromItsCancellationNotOpenForEver()
    {
        var c = new CaseRecord(Guid.NewGuid(), Contact, "Vraag", null, 1, 2, 1, null, null, T.AddDays(-60), null, Names.Standard.IncidentCanceled) { ModifiedOn = T.AddDays(-30) };
        Assert.True(PointInTime.OpenAt(c, [], T.AddDays(-40)));
        Assert.False(PointInTime.OpenAt(c, [], T));
    }

    [Fact]
    public void ResolvedAt_RejectedResolution_OpenBetweenReopenAndNextResolution()
    {
        var c = new CaseRecord(Guid.NewGuid(), Contact, "Klacht", null, 2, 2, 1, null, null, T.AddDays(-60), T.AddDays(-5), Names.Standard.IncidentResolved) { ModifiedOn = T.AddDays(-5) };
        CaseResolutionRecord[] resolutions =
        [
            new(Guid.NewGuid(), c.Id, T.AddDays(-50), T.AddDays(-40)),
            new(Guid.NewGuid(), c.Id, T.AddDays(-5), null),
        ];
        Assert.True(PointInTime.ResolvedAt(c, resolutions, T.AddDays(-45)));
        Assert.False(PointInTime.ResolvedAt(c, resolutions, T.AddDays(-20)));
        Assert.True(PointInTime.ResolvedAt(c, resolutions, T));
        Assert.Equal(T.AddDays(-50), PointInTime.FirstResolvedBefore(c, resolutions, T));
    }
}
