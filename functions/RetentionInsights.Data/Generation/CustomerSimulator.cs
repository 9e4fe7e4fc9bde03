using RetentionInsights.Data.Campaign;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Generation;

/// <summary>Rows produced for one customer, in insertion order per table.</summary>
public sealed class SimulatedRows(DateTime exportAt)
{
    public SimulatedRows()
        : this(DateTime.MaxValue)
    {
    }

    public List<(string Table, object?[] Row)> Rows { get; } = new(64);
    public TruthRow? Truth { get; set; }
    public double ForkChurnProbability { get; set; }
    public bool Churned { get; set; }

    /// <summary>Fork only: churn probability within the horizon had the customer been approached at T and declined.</summary>
    public double ForkChurnIfDeclined { get; set; }

    /// <summary>Fork only: per catalogue offer, churn probability within the horizon had the customer accepted it at T.</summary>
    public double[] ForkChurnIfAccepted { get; set; } = [];

    /// <summary>Campaign replay only: whether the customer churned inside the truth window under the forced group.</summary>
    public bool CampaignChurned { get; set; }

    public void Add(string table, object?[] row) => Rows.Add((table, row));

    /// <summary>Adds a row created at <paramref name="createdOn"/> unless that is on or after the export date (not in the export yet).</summary>
    public void Add(string table, object?[] row, DateTime createdOn)
    {
        if (createdOn < exportAt)
            Rows.Add((table, row));
    }
}

/// <summary>Column positions per table, resolved once from datamodel.json.</summary>
public sealed class RowLayouts
{
    private readonly Dictionary<string, IReadOnlyList<string>> _columns;

    public RowLayouts(DataModel model) =>
        _columns = model.Tables.ToDictionary(t => t.LogicalName, LocalOrgSchema.PhysicalColumns);

    public RowBuilder Row(string table) => new(table, _columns[table]);
}

/// <summary>Fills one row by column name; unknown names fail loudly so the generator cannot drift from datamodel.json.</summary>
public readonly struct RowBuilder
{
    private readonly IReadOnlyList<string> _columns;

    public RowBuilder(string table, IReadOnlyList<string> columns)
    {
        Table = table;
        _columns = columns;
        Values = new object?[columns.Count];
    }

    public string Table { get; }
    public object?[] Values { get; }

    public RowBuilder Set(string column, object? value)
    {
        for (var i = 0; i < _columns.Count; i++)
        {
            if (_columns[i] == column)
            {
                Values[i] = value;
                return this;
            }
        }
        throw new KeyNotFoundException($"Generator writes unknown column '{Table}.{column}' (not in datamodel.json).");
    }
}

/// <summary>
/// Simulates one customer of an energy supplier month by month. Churn is planted: each month the customer leaves with a
/// hazard that is a logistic function of behaviour observable in the generated records (complaints, negative messages, late
/// payments, price increases, contract end, usage drop from moving, tenure, contact surges, accepted retention offers) plus a
/// per-customer random effect that no model can see. <see cref="Hazard"/> is the one place that defines it.
/// </summary>
public sealed class CustomerSimulator
{
    private static readonly string[] FirstNl = ["Jan", "Sanne", "Pieter", "Lotte", "Daan", "Emma", "Sem", "Julia", "Bram", "Fleur", "Thijs", "Anouk", "Ruben", "Eva", "Joost", "Marieke", "Kees", "Ingrid", "Hanneke", "Wouter"];
    private static readonly string[] LastNl = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Kok"];
    private static readonly string[] FirstEn = ["James", "Olivia", "Thomas", "Emily", "Daniel", "Sophie", "Michael", "Hannah", "David", "Grace", "Mark", "Laura"];
    private static readonly string[] LastEn = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Wright", "Green", "Hall", "Clarke", "Turner"];
    private static readonly string[] Cities = ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda", "Nijmegen", "Arnhem", "Haarlem", "Zwolle", "Leiden", "Maastricht"];

    // Variable tariffs rise on these dates; fixed contracts only see a new price at renewal.
    private static readonly DateTime[] TariffIncreases =
    [
        new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), new(2025, 7, 1, 0, 0, 0, DateTimeKind.Utc),
        new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc),
    ];

    private readonly GeneratorOptions _options;
    private readonly RowLayouts _layouts;
    private readonly OfferCatalogue _catalogue;

    public CustomerSimulator(GeneratorOptions options, RowLayouts layouts, OfferCatalogue catalogue)
    {
        _options = options;
        _layouts = layouts;
        _catalogue = catalogue;
    }

    /// <summary>Observable state at a month start, the inputs of the planted hazard.</summary>
    public readonly record struct HazardInputs(
        int Complaints90,
        double NegativeInbound60,
        int LatePayments365,
        bool PriceIncrease90,
        bool ContractEndWithin60,
        bool UsageDrop,
        double TenureYears,
        bool ContactSurge,
        double OfferShift,
        bool RolledOver120 = false,
        bool BillingError60 = false,
        bool ReopenedCase90 = false);

    /// <summary>The planted monthly churn hazard.</summary>
    public static double Hazard(in HazardInputs x, double intercept, double randomEffect)
    {
        var logit = intercept
            + 0.60 * Math.Min(x.Complaints90, 4)
            + 0.55 * Math.Min(x.NegativeInbound60, 4)
            + 0.30 * Math.Min(x.LatePayments365, 6)
            + 1.00 * (x.PriceIncrease90 ? 1 : 0)
            + 1.70 * (x.ContractEndWithin60 ? 1 : 0)
            + 2.20 * (x.UsageDrop ? 1 : 0)
            + 0.80 * (x.TenureYears < 1 ? 1 : 0)
            - 0.30 * Math.Min(x.TenureYears, 6) / 6
            + 0.50 * (x.ContactSurge ? 1 : 0)
            + x.OfferShift // retention offers, heterogeneous: see OfferCatalogue.TrueEffect
            // Only the ERP export mode has roll-overs, billing errors and rejected resolutions; they are zero otherwise.
            + 0.90 * (x.RolledOver120 ? 1 : 0)
            + 0.90 * (x.BillingError60 ? 1 : 0)
            + 0.60 * (x.ReopenedCase90 ? 1 : 0)
            + randomEffect;
        return 1 / (1 + Math.Exp(-logit));
    }

    private sealed class Contract
    {
        public Guid Id;
        public DateTime Start;
        public DateTime? End; // null = open-ended variable contract
        public int Kind; // 0 variable, 1 fixed 1y, 3 fixed 3y
        public double ElectricityPrice; // €/kWh
        public double GasPrice; // €/m3
        public object?[] Row = [];
        public RowBuilder Builder;
    }

    /// <summary>Forks per customer used to estimate the true churn probability (see <see cref="SimulatedRows.Truth"/>).</summary>
    public const int TruthForks = 32;

    /// <summary>Spread of the per-customer random effect on the churn log-odds: a trait no record reveals.</summary>
    public const double RandomEffectSd = 0.30;

    public SimulatedRows Simulate(int index) => Run(index, fork: null);

    /// <summary>
    /// Runs the customer's history. <paramref name="fork"/> k replays the same history up to the truth date without writing
    /// rows, then continues with its own random stream and returns, as <see cref="SimulatedRows.ForkChurnProbability"/>, the
    /// probability of churning within the horizon along that path. Averaging forks gives P(churn | everything the simulator
    /// knows at T), hidden state included: the Bayes-optimal score.
    /// </summary>
    /// <remarks>
    /// With <paramref name="hideRandomEffect"/> a fork replaces the customer's hidden random effect by a fresh draw from its
    /// distribution: averaging such forks gives the churn probability given everything except that trait, the best any
    /// model reading the records could hope for (the "observable" truth).
    /// </remarks>
    /// <remarks>
    /// With <paramref name="forceArm"/> (0 treatment, 1 control) the customer's group in the truth window is forced and the run
    /// returns, as <see cref="SimulatedRows.CampaignChurned"/>, whether it churned inside the window: both arms replay the same
    /// random numbers, so their difference is the customer's own treatment effect.
    /// </remarks>
    private SimulatedRows Run(int index, int? fork, bool hideRandomEffect = false, int? forceArm = null)
    {
        // Dynamics (everything the churn process depends on) and cosmetics (names, texts, ids) use separate streams, so a
        // fork that skips the cosmetics replays exactly the same dynamics.
        var rng = Rng.For(_options.Seed, index);
        var text = Rng.For(_options.Seed, index, stream: 1);
        var emit = fork is null && forceArm is null;
        // Retention offers of the past draw from their own stream, so forcing the customer's group replays the same dynamics.
        var offerRng = Rng.For(_options.Seed, index, stream: 3);
        var responsiveness = Math.Exp(offerRng.Normal(0, 0.25));
        var forkSurvival = 1.0;
        var forkMonthsLeft = 0.0;
        var exportAt = _options.ExportDate;
        var erp = _options.ExportMode == ExportMode.Erp;
        var output = new SimulatedRows(exportAt);
        var until = _options.Until;
        var windowStart = _options.WindowStart;

        // --- who the customer is
        var english = text.Chance(0.18);
        var lang = english ? "en" : "nl";
        var first = english ? text.Pick(FirstEn) : text.Pick(FirstNl);
        var last = english ? text.Pick(LastEn) : text.Pick(LastNl);
        var contactId = text.NextGuid();
        var joinedDuringWindow = rng.Chance(0.14);
        var joined = joinedDuringWindow
            ? windowStart.AddDays(rng.Next((until - windowStart).Days - 20))
            : windowStart.AddDays(-rng.Next(30, 365 * 9));
        joined = joined.Date.AddHours(8 + rng.Next(10)).AddMinutes(rng.Next(60));
        var discipline = rng.NextDouble() switch { < 0.74 => 0, < 0.93 => 1, _ => 2 }; // good, occasional, chronic late payer
        var proneness = Math.Exp(rng.Normal(-0.3, 0.6));
        var priceSensitivity = rng.NextDouble();
        var greenAffinity = rng.NextDouble();
        var randomEffect = rng.Normal(0, RandomEffectSd);
        var annualKwh = 1400 + rng.NextDouble() * 3800;
        var annualGas = rng.Chance(0.18) ? 0 : 500 + rng.NextDouble() * 1500;
        var optOut = rng.Chance(0.015);
        var doNotEmail = rng.Chance(0.04);
        var doNotPhone = rng.Chance(0.06);
        var mood = rng.Normal(0, 0.3);
        var movingFrom = rng.Chance(0.05) ? windowStart.AddDays(rng.Next((until - windowStart).Days)) : DateTime.MaxValue;
        // ERP mode: some customers own solar panels; their net electricity goes below zero in summer.
        var solarKwh = erp && rng.Chance(0.12) ? annualKwh * (0.6 + 0.7 * rng.NextDouble()) : 0;

        var contact = _layouts.Row("contact")
            .Set("contactid", StorageFormat.Guid(contactId))
            .Set("firstname", first).Set("lastname", last).Set("fullname", $"{first} {last}")
            .Set("emailaddress1", $"{Slug(first)}.{Slug(last)}{index}@example.{(english ? "com" : "nl")}")
            .Set("telephone1", $"+31 6 {text.Next(10000000, 99999999)}")
            .Set("address1_city", text.Pick(Cities)).Set("address1_country", "Netherlands")
            .Set("address1_postalcode", $"{text.Next(1000, 9999)} {(char)('A' + text.Next(26))}{(char)('A' + text.Next(26))}")
            .Set("birthdate", StorageFormat.Date(new DateTime(1940 + text.Next(62), 1 + text.Next(12), 1 + text.Next(28))))
            .Set("donotemail", doNotEmail ? 1 : 0).Set("donotphone", doNotPhone ? 1 : 0).Set("donotbulkemail", text.Chance(0.2) ? 1 : 0)
            .Set("preferredcontactmethodcode", text.Pick(new[] { 1, 2, 3 }))
            .Set("createdon", StorageFormat.Utc(joined))
            .Set("statecode", 0).Set("statuscode", 1)
            .Set("rtn_profilingoptout", optOut ? 1 : 0);
        output.Add("contact", contact.Values, joined);

        // --- history trackers (what the hazard may look at)
        var complaints = new List<DateTime>();
        var negativeInbound = new List<(DateTime On, double Weight)>();
        var inbound = new List<DateTime>();
        var lateInvoices = new List<(DateTime Due, DateTime? Paid)>();
        var usage = new List<double>();
        DateTime? lastPriceIncrease = null;
        var offersMade = new List<(DateTime On, DateTime? AcceptedOn, OfferEffect Effect)>();
        OfferEffect[] forkOfferEffects = [];
        var forkDeclined = 1.0;
        var forkAccepted = new double[_catalogue.Offers.Count];
        DateTime? lastRollOver = null;
        DateTime? lastBillingError = null;
        var reopens = new List<DateTime>();
        var caseIds = new List<Guid>();
        var orderNo = 0;
        var invoiceNo = 0;

        Contract NewContract(DateTime start, double previousElectricityPrice, bool rollOver = false)
        {
            var kind = rollOver ? 0 : rng.NextDouble() switch { < 0.32 => 0, < 0.75 => 1, _ => 3 };
            var electricity = rollOver
                ? previousElectricityPrice * (1.12 + 0.08 * rng.NextDouble())
                : previousElectricityPrice > 0
                ? previousElectricityPrice * (1 + rng.Normal(0.04, 0.05))
                : 0.24 + rng.NextDouble() * 0.06;
            var c = new Contract
            {
                Id = text.NextGuid(),
                Start = start,
                End = kind == 0 ? null : start.AddYears(kind).AddDays(-1),
                Kind = kind,
                ElectricityPrice = Math.Round(electricity, 4),
                GasPrice = Math.Round(1.10 + rng.NextDouble() * 0.35, 4),
            };
            orderNo++;
            var submitted = start.AddDays(-text.Next(7, 40)).AddHours(10);
            var signed = start.AddDays(-text.Next(7, 40)).AddHours(10);
            var annualAmount = Math.Round(annualKwh * c.ElectricityPrice + annualGas * c.GasPrice + 2 * 280, 2);
            var name = kind switch
            {
                0 when rollOver => english ? "Variable energy contract (rolled over)" : "Variabel energiecontract (verlengd)",
                0 => english ? "Variable energy contract" : "Variabel energiecontract",
                1 => english ? "Energy contract 1 year fixed" : "Energiecontract 1 jaar vast",
                _ => english ? "Energy contract 3 years fixed" : "Energiecontract 3 jaar vast",
            };
            c.Builder = _layouts.Row("salesorder")
                .Set("salesorderid", StorageFormat.Guid(c.Id))
                .Set("ordernumber", $"ORD-{index:D7}-{orderNo}")
                .Set("name", name)
                .Set("customerid", StorageFormat.Guid(contactId)).Set("customeridtype", "contact")
                .Set("totalamount", annualAmount)
                .Set("submitdate", StorageFormat.Utc(submitted))
                // An ERP fills datefulfilled when supply starts: a contract signed but not started at the export has none.
                .Set("datefulfilled", erp && start >= exportAt ? null : StorageFormat.Utc(start))
                .Set("rtn_contractend", c.End is { } e ? StorageFormat.Date(e) : null)
                .Set("createdon", StorageFormat.Utc(signed))
                .Set("modifiedon", StorageFormat.Utc(signed))
                .Set("rtn_tariff", kind == 0 ? Names.Choices.TariffVariable : Names.Choices.TariffFixed)
                .Set("rtn_termmonths", kind == 0 ? null : kind * 12)
                .Set("statecode", erp && start >= exportAt ? 0 : 3).Set("statuscode", erp && start >= exportAt ? 1 : 100001);
            c.Row = c.Builder.Values;
            if (emit)
                output.Add("salesorder", c.Row, signed);
            var line = 1;
            void Line(string product, double quantity, double price)
            {
                if (!emit)
                    return;
                output.Add("salesorderdetail", _layouts.Row("salesorderdetail")
                    .Set("salesorderdetailid", StorageFormat.Guid(text.NextGuid()))
                    .Set("salesorderid", StorageFormat.Guid(c.Id))
                    .Set("productdescription", product)
                    .Set("quantity", Math.Round(quantity, 2)).Set("priceperunit", price)
                    .Set("extendedamount", Math.Round(quantity * price, 2))
                    .Set("lineitemnumber", line++)
                    .Set("createdon", StorageFormat.Utc(signed)).Values, signed);
            }
            Line(english ? "Electricity supply (kWh)" : "Levering elektriciteit (kWh)", annualKwh, c.ElectricityPrice);
            if (annualGas > 0)
                Line(english ? "Gas supply (m3)" : "Levering gas (m3)", annualGas, c.GasPrice);
            Line(english ? "Fixed delivery costs (year)" : "Vaste leveringskosten (jaar)", annualGas > 0 ? 2 : 1, 280);
            return c;
        }

        // The contract running at the window start (or at joining) — possibly started long before.
        var firstStart = joined.Date;
        if (!joinedDuringWindow)
        {
            // Roll fixed terms forward from the join date so that the contract running at windowStart is realistic.
            var kindProbe = rng.Next(3);
            var years = kindProbe == 2 ? 3 : 1;
            while (firstStart.AddYears(years) <= windowStart)
                firstStart = firstStart.AddYears(years);
        }
        var contract = NewContract(firstStart, 0);
        while (contract.End is { } ended && ended < windowStart)
            contract = NewContract(ended.AddDays(1), contract.ElectricityPrice);

        var monthStart = new DateTime(Math.Max(windowStart.Ticks, new DateTime(joined.Year, joined.Month, 1).AddMonths(1).Ticks), DateTimeKind.Utc);
        DateTime? churnedOn = null;
        var truthAsOf = _options.TruthAsOf;
        var windowEnd = truthAsOf?.AddDays(_options.TruthHorizonDays);

        for (; monthStart < until; monthStart = monthStart.AddMonths(1))
        {
            var monthEnd = monthStart.AddMonths(1);
            if (forceArm is not null && monthStart >= windowEnd)
                return output;

            // --- observable state at the month start -> planted hazard
            var inputs = InputsAt(monthStart);

            // --- retention campaign of the past, randomised (what the uplift model learns from), at the start of the month. Customers at risk by what the
            // records show are considered more often; the standing control group of the period gets nothing; a treated customer
            // gets one catalogue offer drawn at random. All draws come first, so both forced groups consume the same numbers. The
            // campaign is broad (most at-risk customers are approached every other month, others every few months): churn events
            // are rare, and the effect of an offer per customer trait can only be learned from enough randomised approaches.
            var considered = offerRng.Chance(Hazard(inputs, _options.HazardIntercept, 0) > 0.02 || inputs.ContractEndWithin60 ? 0.6 : 0.2);
            var offerOn = monthStart.AddHours(9 + offerRng.Next(8));
            var offer = _catalogue.Offers[offerRng.Next(_catalogue.Offers.Count)];
            var respondedOn = offerOn.AddDays(offerRng.Next(0, 10)).AddHours(offerRng.Next(8));
            var expired = offerRng.Chance(0.06);
            var acceptDraw = offerRng.NextDouble();
            var inWindow = forceArm is not null && monthStart >= truthAsOf && monthStart < windowEnd;
            var heldOut = inWindow ? forceArm == 1 : RetentionGroups.IsControl(contactId, monthStart);
            var afterTruthInFork = fork is not null && monthStart >= truthAsOf;
            if (considered && !heldOut && !optOut && !afterTruthInFork)
            {
                var pAccept = _catalogue.TrueAcceptance(offer, priceSensitivity, greenAffinity, discipline, inputs.ContractEndWithin60);
                var status = respondedOn >= until
                    ? Names.Choices.RecommendationProposed
                    : expired ? Names.Choices.RecommendationExpired
                    : acceptDraw < pAccept ? Names.Choices.RecommendationAccepted : Names.Choices.RecommendationDeclined;
                if (status is Names.Choices.RecommendationAccepted or Names.Choices.RecommendationDeclined)
                {
                    // Offers go out on the first working hours of the month and act on this month's hazard already.
                    offersMade.Add((monthStart, status == Names.Choices.RecommendationAccepted ? monthStart : null, OfferCatalogue.TrueEffect(offer.OfferType, inputs, responsiveness)));
                    inputs = InputsAt(monthStart);
                }
                // The export shows the recommendation as it stood on the export date: made after it, not there yet; answered
                // (or expired) after it, still open. The simulated customer lives on with the answer either way.
                var exported = respondedOn >= exportAt ? Names.Choices.RecommendationProposed : status;
                if (emit)
                    output.Add("rtn_offerrecommendation", _layouts.Row("rtn_offerrecommendation")
                    .Set("rtn_offerrecommendationid", StorageFormat.Guid(text.NextGuid()))
                    .Set("rtn_name", offer.Name)
                    .Set("rtn_contactid", StorageFormat.Guid(contactId))
                    .Set("rtn_offerid", StorageFormat.Guid(offer.Id))
                    .Set("rtn_rank", 1 + text.Next(3))
                    .Set("rtn_status", exported)
                    .Set("rtn_respondedon", exported is Names.Choices.RecommendationAccepted or Names.Choices.RecommendationDeclined ? StorageFormat.Utc(respondedOn) : null)
                    .Set("rtn_channel", text.Chance(0.7) ? Names.Choices.ChannelPhone : Names.Choices.ChannelEmail)
                    .Set("rtn_modelversion", "historical")
                    .Set("createdon", StorageFormat.Utc(offerOn)).Values, offerOn);
            }

            var hazard = Hazard(inputs, _options.HazardIntercept, randomEffect);
            if (fork is not null && monthStart == truthAsOf)
            {
                rng = Rng.For(_options.Seed, index, stream: 100UL + (ulong)fork.Value);
                forkMonthsLeft = _options.TruthHorizonMonths;
                if (hideRandomEffect)
                {
                    randomEffect = Rng.For(_options.Seed, index, stream: 500UL + (ulong)fork.Value).Normal(0, RandomEffectSd);
                    hazard = Hazard(inputs, _options.HazardIntercept, randomEffect);
                }
                forkOfferEffects = _catalogue.Offers.Select(o => OfferCatalogue.TrueEffect(o.OfferType, inputs, responsiveness)).ToArray();
                Array.Fill(forkAccepted, 1.0);
            }
            if (forkMonthsLeft > 0)
            {
                // Inside a fork after T: accumulate survival instead of drawing churn, then keep simulating behaviour. Beside the
                // path without an offer, the same path with an offer made at T (declined, or accepted per catalogue offer).
                var weight = Math.Min(1.0, forkMonthsLeft);
                forkSurvival *= Math.Pow(1 - hazard, weight);
                var t = truthAsOf!.Value;
                forkDeclined *= Math.Pow(1 - Hazard(inputs with { OfferShift = ShiftAt(monthStart, (t, null, forkOfferEffects[0])) }, _options.HazardIntercept, randomEffect), weight);
                for (var k = 0; k < forkAccepted.Length; k++)
                    forkAccepted[k] *= Math.Pow(1 - Hazard(inputs with { OfferShift = ShiftAt(monthStart, (t, t, forkOfferEffects[k])) }, _options.HazardIntercept, randomEffect), weight);
                forkMonthsLeft -= 1;
                if (forkMonthsLeft <= 0)
                {
                    output.ForkChurnProbability = 1 - forkSurvival;
                    output.ForkChurnIfDeclined = 1 - forkDeclined;
                    output.ForkChurnIfAccepted = forkAccepted.Select(sv => 1 - sv).ToArray();
                    return output;
                }
            }

            var churnThisMonth = rng.NextDouble() < hazard && forkSurvival == 1.0 && forkMonthsLeft <= 0;
            var churnDay = monthStart.AddDays(rng.Next((monthEnd - monthStart).Days)).AddHours(9 + rng.Next(8));
            if (churnThisMonth)
            {
                // A fixed contract ending this month simply is not renewed; otherwise the customer cancels.
                churnedOn = contract.End is { } termEnds && termEnds >= monthStart && termEnds < monthEnd ? termEnds : churnDay.Date;
                if (forceArm is not null)
                {
                    output.CampaignChurned = churnedOn >= truthAsOf && churnedOn < windowEnd;
                    return output;
                }
            }

            if (truthAsOf == monthStart)
            {
                if (fork is null && forceArm is null)
                {
                    double sum = 0, observable = 0, declined = 0;
                    var accepted = new double[_catalogue.Offers.Count];
                    for (var k = 0; k < TruthForks; k++)
                    {
                        sum += Run(index, k).ForkChurnProbability;
                        var hidden = Run(index, k, hideRandomEffect: true);
                        observable += hidden.ForkChurnProbability;
                        declined += hidden.ForkChurnIfDeclined;
                        for (var j = 0; j < accepted.Length; j++)
                            accepted[j] += hidden.ForkChurnIfAccepted[j];
                    }
                    var offerTruth = _catalogue.Offers.Select((o, j) => new OfferTruth(o.Id, o.Code, o.OfferType,
                        _catalogue.TrueAcceptance(o, priceSensitivity, greenAffinity, discipline, inputs.ContractEndWithin60), accepted[j] / TruthForks)).ToArray();
                    output.Truth = new TruthRow(contactId, sum / TruthForks, false, observable / TruthForks)
                    {
                        ChurnIfDeclined = declined / TruthForks,
                        Offers = offerTruth,
                        InControlGroup = RetentionGroups.IsControl(contactId, monthStart),
                        ChurnedIfTreated = Run(index, null, forceArm: 0).CampaignChurned,
                        ChurnedIfControl = Run(index, null, forceArm: 1).CampaignChurned,
                    };
                }
            }

            var activeUntil = churnedOn ?? monthEnd;

            // --- mood: shocks from outages, billing errors and price increases; decays otherwise
            var priceIncreaseNow = contract.Kind == 0 && TariffIncreases.Contains(monthStart);
            if (priceIncreaseNow)
            {
                lastPriceIncrease = monthStart;
                contract.ElectricityPrice = Math.Round(contract.ElectricityPrice * (1.06 + rng.NextDouble() * 0.08), 4);
            }
            mood = 0.6 * mood + rng.Normal(0, 0.25)
                + (rng.Chance(0.02) ? 1.2 : 0)
                + (rng.Chance(0.03 * proneness) ? 1.0 : 0)
                + (priceIncreaseNow ? 0.6 + priceSensitivity : 0);

            // --- usage reading (monthly; drops when the customer is moving out)
            // Electricity varies mildly with the season (lighting), gas strongly (heating). The planted usage-drop signal
            // looks at electricity only, so ordinary summers never read as a customer moving out.
            var angle = (monthStart.Month - 1) / 12.0 * 2 * Math.PI;
            var moving = monthStart >= movingFrom;
            var kwh = annualKwh / 12 * (1 + 0.12 * Math.Cos(angle)) * (moving ? 0.35 : 1) * (1 + rng.Normal(0, 0.08));
            var gas = annualGas / 12 * Math.Pow(1 + 0.35 * Math.Cos(angle), 2) * (moving ? 0.3 : 1) * (1 + rng.Normal(0, 0.1));
            usage.Add(kwh);
            if (emit && (churnedOn is null || churnedOn > monthStart.AddDays(27)))
            {
                output.Add("rtn_usagereading", _layouts.Row("rtn_usagereading")
                    .Set("rtn_usagereadingid", StorageFormat.Guid(text.NextGuid()))
                    .Set("rtn_name", $"{monthStart:yyyy-MM}")
                    .Set("rtn_contactid", StorageFormat.Guid(contactId))
                    .Set("rtn_readingdate", StorageFormat.Date(monthStart.AddDays(27)))
                    // Net electricity: solar generation (mostly in summer) is subtracted, so it can go below zero.
                    .Set("rtn_electricitykwh", Math.Round(Math.Max(0, kwh) - solarKwh / 12 * (1 - 0.8 * Math.Cos(angle)), 2))
                    .Set("rtn_gasm3", Math.Round(Math.Max(0, gas), 2))
                    .Set("createdon", StorageFormat.Utc(monthStart.AddDays(28))).Values, monthStart.AddDays(28));
            }

            // --- monthly invoice (instalment), due after 14 days; payment behaviour by discipline and mood
            invoiceNo++;
            var amount = Math.Round((annualKwh * contract.ElectricityPrice + annualGas * contract.GasPrice + (annualGas > 0 ? 560 : 280)) / 12, 2);
            var due = monthStart.AddDays(14);
            var stress = mood > 1 ? 0.1 : 0;
            var pLate = discipline switch { 0 => 0.03, 1 => 0.22, _ => 0.55 } + stress;
            var pVeryLate = discipline switch { 0 => 0.003, 1 => 0.04, _ => 0.25 };
            DateTime? paid = rng.NextDouble() switch
            {
                var r when r < pVeryLate => due.AddDays(31 + rng.Next(45)),
                var r when r < pVeryLate + pLate => due.AddDays(1 + rng.Next(25)),
                _ => due.AddDays(-rng.Next(0, 12)),
            };
            if (paid >= until || (churnedOn is { } co && paid > co.AddDays(60)))
                paid = null;
            if (paid is null || paid > due)
                lateInvoices.Add((due, paid));
            // ERP mode: now and then an invoice is a billing error (a multiple of the usual amount), which upsets the customer.
            if (erp && rng.Chance(0.012))
            {
                amount = Math.Round(amount * (2.5 + 1.5 * rng.NextDouble()), 2);
                lastBillingError = monthStart;
                mood += 1.0;
            }
            if (paid >= exportAt)
                paid = null;
            if (emit)
                output.Add("invoice", _layouts.Row("invoice")
                .Set("invoiceid", StorageFormat.Guid(text.NextGuid()))
                .Set("invoicenumber", $"INV-{index:D7}-{invoiceNo:D3}")
                .Set("name", english ? $"Instalment {monthStart:MMMM yyyy}" : $"Termijnbedrag {monthStart:yyyy-MM}")
                .Set("customerid", StorageFormat.Guid(contactId)).Set("customeridtype", "contact")
                .Set("salesorderid", StorageFormat.Guid(contract.Id))
                .Set("totalamount", amount)
                .Set("duedate", StorageFormat.Date(due))
                .Set("rtn_paidon", paid is { } pd ? StorageFormat.Date(pd) : null)
                .Set("createdon", StorageFormat.Utc(monthStart.AddHours(6)))
                .Set("statecode", paid is null ? 0 : 2).Set("statuscode", paid is null ? 4 : 100001).Values, monthStart.AddHours(6));

            // --- cases, inbound/outbound emails and calls
            var caseRate = 0.02 + 0.04 * proneness + 0.20 * Math.Max(mood, 0) + (priceIncreaseNow ? 0.15 : 0) + (moving ? 0.3 : 0);
            var cases = Math.Min(rng.Poisson(caseRate), 5);
            for (var k = 0; k < cases; k++)
            {
                var on = monthStart.AddDays(rng.Next(28)).AddHours(8 + rng.Next(10)).AddMinutes(rng.Next(60));
                if (on >= activeUntil)
                    break;
                var complaintShare = Math.Clamp(0.15 + 0.30 * mood, 0.08, 0.8);
                var caseType = rng.NextDouble() < complaintShare ? 2 : rng.Chance(0.55) ? 1 : 3;
                var topic = moving && text.Chance(0.6) ? Topic.Moving : priceIncreaseNow && text.Chance(0.5) ? Topic.PriceIncrease : TextTemplates.TopicFor(caseType, text);
                var tone = ToneFor(mood, caseType, rng);
                var (title, body) = emit ? TextTemplates.Case(lang, topic, tone, first, text) : default;
                var caseId = text.NextGuid();
                // ERP mode draws resolution dynamics from the dynamics stream: a rejected resolution raises the hazard.
                var resolved = on.AddHours(2 + (erp ? rng.Next(24 * (caseType == 2 ? 9 : 4)) : text.Next(24 * (caseType == 2 ? 9 : 4))));
                var handled = erp ? rng.Chance(0.93) : resolved < until && text.Chance(0.93);
                var isResolved = resolved < exportAt && handled;
                var reopen = caseType == 2 && caseIds.Count > 0 && text.Chance(0.15 + 0.2 * Math.Max(mood, 0));
                // ERP mode: the customer rejects the resolution, the case is reopened and resolved again later.
                DateTime? reopenedOn = null, resolvedAgain = null;
                if (erp && handled && rng.Chance(0.10 + 0.25 * Math.Max(mood, 0)))
                {
                    reopenedOn = resolved.AddDays(1 + rng.Next(10)).AddHours(rng.Next(8));
                    resolvedAgain = reopenedOn.Value.AddHours(4 + rng.Next(24 * 7));
                    if (reopenedOn < activeUntil)
                        reopens.Add(reopenedOn.Value);
                }
                // ERP mode: a case nobody resolved is cancelled a few weeks later instead of staying open for ever.
                var cancelledOn = erp && !handled ? on.AddDays(14 + rng.Next(30)) : (DateTime?)null;
                var resolvedAtExport = resolved < exportAt && handled && (reopenedOn is not { } ro || ro >= exportAt || resolvedAgain < exportAt);
                var cancelledAtExport = cancelledOn < exportAt;
                isResolved = erp ? resolvedAtExport : isResolved;
                if (emit)
                    output.Add("incident", _layouts.Row("incident")
                    .Set("incidentid", StorageFormat.Guid(caseId))
                    .Set("ticketnumber", $"CAS-{index:D7}-{caseIds.Count + 1:D3}")
                    .Set("title", title).Set("description", body)
                    .Set("customerid", StorageFormat.Guid(contactId)).Set("customeridtype", "contact")
                    .Set("casetypecode", caseType)
                    .Set("prioritycode", tone == Tone.StrongNegative ? 1 : 2)
                    .Set("caseorigincode", text.Chance(0.5) ? 2 : text.Chance(0.7) ? 1 : 3)
                    // Drawn whether or not the case is resolved at the export, so exports on different days stay alike.
                    .Set("customersatisfactioncode", Math.Clamp((int)Math.Round(3.6 - 1.2 * mood + text.Normal(0, 0.6)), 1, 5) is var rating && (isResolved || (erp && handled && resolved < exportAt)) ? rating : null)
                    .Set("parentcaseid", reopen ? StorageFormat.Guid(caseIds[^1]) : null)
                    .Set("createdon", StorageFormat.Utc(on))
                    .Set("modifiedon", StorageFormat.Utc(cancelledAtExport ? cancelledOn!.Value : isResolved ? (resolvedAgain < exportAt ? resolvedAgain.Value : resolved) : on))
                    .Set("statecode", cancelledAtExport ? 2 : isResolved ? 1 : 0).Set("statuscode", cancelledAtExport ? 6 : isResolved ? 5 : 1).Values, on);
                if (emit && erp && handled)
                {
                    // One resolution row per resolve; reopening cancels it (statecode 2), dated by its modifiedon.
                    var rejected = reopenedOn < exportAt;
                    Resolution(caseId, 1, resolved, rejected ? reopenedOn : null);
                    if (rejected && resolvedAgain is { } again)
                        Resolution(caseId, 2, again, null);
                }
                caseIds.Add(caseId);
                if (caseType == 2)
                    complaints.Add(on);

                // The customer writes or calls about the case; the company answers.
                var viaEmail = text.Chance(0.55);
                AddInbound(on, topic, tone, viaEmail);
                if (text.Chance(0.7))
                    AddOutboundEmail(on.AddHours(4 + text.Next(72)));
            }
            var spontaneous = rng.Poisson(0.06 + 0.1 * Math.Max(mood, 0));
            for (var k = 0; k < spontaneous; k++)
            {
                var on = monthStart.AddDays(rng.Next(28)).AddHours(8 + rng.Next(12));
                if (on >= activeUntil)
                    break;
                var topic = TextTemplates.TopicFor(1 + text.Next(3), text);
                AddInbound(on, topic, ToneFor(mood, 1, rng), text.Chance(0.6));
            }
            if (text.Chance(0.12))
            {
                var on = monthStart.AddDays(text.Next(28)).AddHours(9);
                if (on < activeUntil)
                    AddOutboundEmail(on);
            }

            if (churnedOn is { } left)
            {
                // Cancellation: the running contract stops; the cancellation request arrives on the churn date itself. The
                // export shows it only when it happened before the export date.
                var exported = left < exportAt;
                if (contract.End is not { } runsUntil || left < runsUntil)
                {
                    if (exported)
                    {
                        contract.Builder.Set("rtn_cancelledon", StorageFormat.Date(left)).Set("statecode", 2).Set("statuscode", 4);
                        if (erp)
                        {
                            // An ERP overwrites the end date with the termination date and often leaves the cancellation undated.
                            var modified = left.AddDays(text.Next(4)).AddHours(15);
                            contract.Builder.Set("rtn_contractend", StorageFormat.Date(left))
                                .Set("rtn_cancelledon", text.Chance(0.5) ? StorageFormat.Date(left) : null)
                                .Set("modifiedon", StorageFormat.Utc(modified < exportAt ? modified : exportAt.AddHours(-1)));
                        }
                    }
                    AddInbound(left.Date.AddHours(11), Topic.Switching, mood > 0.8 ? Tone.StrongNegative : Tone.Neutral, true);
                }
                if (exported)
                    contact.Set("statecode", 1).Set("statuscode", 2).Set("modifiedon", StorageFormat.Utc(erp ? exportAt.AddDays(-1 - text.Next(20)) : left.Date.AddHours(12)));
                output.Churned = true;
                if (output.Truth is { } t && left >= truthAsOf && left < truthAsOf!.Value.AddDays(_options.TruthHorizonDays))
                    output.Truth = t with { ChurnedWithinHorizon = true };
                break;
            }

            // --- renewal of a fixed term that ends this month (churn was already decided above)
            if (contract.End is { } termEnd && termEnd >= monthStart && termEnd < monthEnd)
            {
                // ERP mode: a third of fixed contracts are not renewed actively and roll over to a dearer variable tariff.
                var rollOver = erp && rng.Chance(0.33);
                var renewed = NewContract(termEnd.AddDays(1), contract.ElectricityPrice, rollOver);
                if (renewed.ElectricityPrice > contract.ElectricityPrice * 1.03)
                    lastPriceIncrease = renewed.Start;
                if (rollOver)
                    lastRollOver = renewed.Start;
                contract = renewed;
            }
        }
        return output;

        HazardInputs InputsAt(DateTime at) => new(
            Complaints90: complaints.Count(d => d > at.AddDays(-90) && d <= at),
            NegativeInbound60: negativeInbound.Where(n => n.On > at.AddDays(-60) && n.On <= at).Sum(n => n.Weight),
            LatePayments365: lateInvoices.Count(l => l.Due > at.AddDays(-365) && l.Due < at),
            PriceIncrease90: lastPriceIncrease is { } pi && pi > at.AddDays(-90) && pi <= at,
            ContractEndWithin60: contract.End is { } end && end >= at && end < at.AddDays(60),
            UsageDrop: usage.Count >= 8 && usage.TakeLast(2).Average() < 0.6 * usage.SkipLast(2).TakeLast(6).Average(),
            TenureYears: (at - joined).TotalDays / 365.25,
            ContactSurge: inbound.Count(d => d > at.AddDays(-30) && d <= at) >= 3
                && inbound.Count(d => d > at.AddDays(-30) && d <= at) >= 3 * Math.Max(1.0, inbound.Count(d => d > at.AddDays(-210) && d <= at.AddDays(-30)) / 6.0),
            OfferShift: ShiftAt(at, null),
            RolledOver120: lastRollOver is { } rv && rv > at.AddDays(-120) && rv <= at,
            BillingError60: lastBillingError is { } be && be > at.AddDays(-60) && be <= at,
            ReopenedCase90: reopens.Any(d => d > at.AddDays(-90) && d <= at));

        // Offers act while fresh: the strongest accepted offer of the last 180 days, the worst annoyance of the last 90.
        double ShiftAt(DateTime at, (DateTime On, DateTime? AcceptedOn, OfferEffect Effect)? extra)
        {
            double keep = 0, annoy = 0;
            for (var k = 0; k <= offersMade.Count; k++)
            {
                var o = k < offersMade.Count ? offersMade[k] : extra;
                if (o is not { } made)
                    continue;
                if (made.On <= at && made.On > at.AddDays(-90))
                    annoy = Math.Max(annoy, made.Effect.OfContact);
                if (made.AcceptedOn is { } a && a <= at && a > at.AddDays(-180))
                    keep = Math.Min(keep, made.Effect.IfAccepted);
            }
            return keep + annoy;
        }

        void Resolution(Guid caseId, int n, DateTime resolvedOn, DateTime? cancelledOn) =>
            output.Add("incidentresolution", _layouts.Row("incidentresolution")
                .Set("activityid", StorageFormat.Guid(Derived(caseId, n)))
                .Set("subject", english ? "Case resolved" : "Zaak opgelost")
                .Set("incidentid", StorageFormat.Guid(caseId))
                .Set("actualend", StorageFormat.Utc(resolvedOn))
                .Set("createdon", StorageFormat.Utc(resolvedOn))
                .Set("modifiedon", StorageFormat.Utc(cancelledOn ?? resolvedOn))
                .Set("statecode", cancelledOn is null ? 1 : 2).Values, resolvedOn);

        void AddInbound(DateTime on, Topic topic, Tone tone, bool viaEmail)
        {
            inbound.Add(on);
            if (tone is Tone.MildNegative or Tone.StrongNegative)
                negativeInbound.Add((on, tone == Tone.StrongNegative ? 1.0 : 0.5));
            if (!emit)
                return;
            if (viaEmail)
            {
                var (subject, body) = TextTemplates.InboundEmail(lang, topic, tone, first, text);
                output.Add("email", Activity("email", on, subject, body, outgoing: false).Values, on);
            }
            else
            {
                var (subject, notes) = TextTemplates.Call(lang, topic, tone, false, text);
                output.Add("phonecall", Activity("phonecall", on, subject, notes, outgoing: false)
                    .Set("actualdurationminutes", 2 + text.Next(tone == Tone.StrongNegative ? 30 : 12)).Values, on);
            }
        }

        void AddOutboundEmail(DateTime on)
        {
            if (on >= until || !emit)
                return;
            var (subject, body) = TextTemplates.OutboundEmail(lang, text);
            output.Add("email", Activity("email", on, subject, body, outgoing: true).Values, on);
        }

        RowBuilder Activity(string table, DateTime on, string subject, string content, bool outgoing) =>
            _layouts.Row(table)
                .Set("activityid", StorageFormat.Guid(text.NextGuid()))
                .Set("subject", subject).Set("description", content)
                .Set("directioncode", outgoing ? 1 : 0)
                .Set("regardingobjectid", StorageFormat.Guid(contactId)).Set("regardingobjectidtype", "contact")
                .Set("actualend", StorageFormat.Utc(on))
                .Set("createdon", StorageFormat.Utc(on))
                .Set("statecode", 1);
    }

    private static Tone ToneFor(double mood, int caseType, Rng rng)
    {
        var r = rng.NextDouble();
        var strong = Math.Clamp(0.02 + 0.22 * mood + (caseType == 2 ? 0.05 : 0), 0, 0.7);
        var mild = Math.Clamp(0.10 + 0.20 * mood + (caseType == 2 ? 0.15 : 0), 0, 0.6);
        var positive = Math.Clamp(0.18 - 0.12 * mood, 0.02, 0.35);
        return r < strong ? Tone.StrongNegative : r < strong + mild ? Tone.MildNegative : r < strong + mild + positive ? Tone.Positive : Tone.Neutral;
    }

    /// <summary>A stable id derived from another (no draw from the random streams, so adding rows changes no other value).</summary>
    private static Guid Derived(Guid id, int n)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        bytes[15] ^= (byte)(0x5A + n);
        bytes[0] ^= 0xA5;
        return new Guid(bytes);
    }

    private static string Slug(string s) => new(s.ToLowerInvariant().Where(char.IsLetter).ToArray());
}
