using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.Tests.Support;

/// <summary>Builds valid customer histories for tests, one record at a time, with sensible defaults.</summary>
public sealed class HistoryProducer
{
    public static readonly DateTime T = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly List<OrderRecord> _orders = [];
    private readonly List<OrderLineRecord> _lines = [];
    private readonly List<InvoiceRecord> _invoices = [];
    private readonly List<CaseRecord> _cases = [];
    private readonly List<ActivityRecord> _activities = [];
    private readonly List<UsageRecord> _usage = [];
    private readonly List<RecommendationRecord> _recommendations = [];
    private ContactRecord _contact;

    public HistoryProducer(DateTime? joined = null, Guid? id = null)
    {
        _contact = new ContactRecord(id ?? Guid.NewGuid(), "Test Klant", joined ?? T.AddYears(-3), 0, false, false, false, false, null, "Utrecht", "Netherlands");
    }

    public Guid Id => _contact.Id;

    public HistoryProducer Contact(Func<ContactRecord, ContactRecord> change)
    {
        _contact = change(_contact);
        return this;
    }

    public HistoryProducer Order(DateTime start, DateTime? end, decimal annual = 1800m, DateTime? cancelled = null, bool gas = true)
    {
        var order = new OrderRecord(Guid.NewGuid(), Id, "Energiecontract", annual, start.AddDays(-14), start, end, cancelled, cancelled is null ? 3 : 2, start.AddDays(-14));
        _orders.Add(order);
        _lines.Add(new OrderLineRecord(Guid.NewGuid(), order.Id, "Levering elektriciteit (kWh)", 3000, 0.27m, 810));
        if (gas)
            _lines.Add(new OrderLineRecord(Guid.NewGuid(), order.Id, "Levering gas (m3)", 1200, 1.2m, 1440));
        return this;
    }

    /// <summary>Monthly instalments from <paramref name="from"/> up to (excluding) <paramref name="until"/>, paid <paramref name="daysLate"/> days after due.</summary>
    public HistoryProducer Invoices(DateTime from, DateTime until, decimal amount = 150m, int daysLate = -3, Func<DateTime, int?>? lateness = null)
    {
        for (var m = from; m < until; m = m.AddMonths(1))
        {
            var due = m.AddDays(14);
            var late = lateness is null ? daysLate : lateness(m);
            _invoices.Add(new InvoiceRecord(Guid.NewGuid(), Id, _orders.LastOrDefault()?.Id, amount, due, late is { } d ? due.AddDays(d) : null, m.AddHours(6)));
        }
        return this;
    }

    public HistoryProducer Case(DateTime on, int type = Names.Standard.CaseTypeProblem, DateTime? resolved = null, Guid? parent = null, int priority = 2)
    {
        _cases.Add(new CaseRecord(Guid.NewGuid(), Id, "Klacht", "Ik ben niet tevreden", type, priority, 1, null, parent, on, resolved, resolved is null ? 0 : 1));
        return this;
    }

    public Guid Message(DateTime on, bool outgoing = false, ActivityKind kind = ActivityKind.Email, string text = "Ik wil weten hoe het zit", int? minutes = null)
    {
        var id = Guid.NewGuid();
        _activities.Add(new ActivityRecord(id, Id, kind, outgoing, "Onderwerp", text, on, minutes));
        return id;
    }

    public HistoryProducer Usage(DateTime from, DateTime until, double kwh = 250, Func<DateTime, double>? shape = null)
    {
        for (var m = from; m < until; m = m.AddMonths(1))
            _usage.Add(new UsageRecord(Id, m.AddDays(27), shape?.Invoke(m) ?? kwh, 80));
        return this;
    }

    public HistoryProducer Recommendation(Guid offer, DateTime created, int status, DateTime? responded = null)
    {
        _recommendations.Add(new RecommendationRecord(Guid.NewGuid(), Id, offer, 1, 0.2, 10m, "reden", status, created, responded, Names.Choices.ChannelPhone, "historical"));
        return this;
    }

    public CustomerHistory Build() => new(_contact, _orders.ToArray(), _lines.ToArray(), _invoices.ToArray(), _cases.ToArray(), _activities.ToArray(), _usage.ToArray(), _recommendations.ToArray(), []);

    /// <summary>A typical customer with three years of contracts, payments, usage, a few cases and messages before <see cref="T"/>.</summary>
    public static HistoryProducer Typical(Guid? id = null)
    {
        var p = new HistoryProducer(T.AddYears(-3), id)
            .Order(T.AddYears(-3), T.AddYears(-2).AddDays(-1))
            .Order(T.AddYears(-2).AddMonths(1), T.AddMonths(1).AddDays(-1))
            .Invoices(T.AddYears(-2), T.AddMonths(3), lateness: m => m.Month % 4 == 0 ? 9 : -2)
            .Usage(T.AddYears(-2), T.AddMonths(3))
            .Case(T.AddDays(-40), resolved: T.AddDays(-35))
            .Case(T.AddDays(-200), Names.Standard.CaseTypeQuestion, resolved: T.AddDays(-199));
        p.Message(T.AddDays(-39));
        p.Message(T.AddDays(-20), kind: ActivityKind.PhoneCall, minutes: 22);
        p.Message(T.AddDays(-10), outgoing: true);
        return p;
    }
}
