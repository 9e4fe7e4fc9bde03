using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.Features;

/// <summary>
/// Point-in-time features of one customer at snapshot date T (<c>asOf</c>). Every record is filtered on a date that was
/// known before T: orders by start, invoices by creation (paid status only if paid before T), cases by creation (resolved
/// only if resolved before T), messages/readings/recommendations by their own dates. Columns overwritten when the outcome
/// happens (a cancelled contract's end date, statecode) go through <see cref="PointInTime"/>, so history recorded later
/// cannot leak into a past snapshot. Instalment and usage changes are compared with the same season a year earlier when the
/// history reaches back that far, so a winter bill is not read as a price rise.
/// </summary>
public static class FeatureBuilder
{
    private const double DaysPerYear = 365.25;
    private const double NegativeSentiment = -0.2;
    // On the built-in analyzer strongly negative messages score about -0.75 and mildly negative ones about -0.5.
    private const double StronglyNegativeSentiment = -0.6;
    private const int LongCallMinutes = 15;

    /// <summary>
    /// The oldest message whose sentiment any feature reads is this many days before the scoring date (the window before
    /// the last 60 days that the sentiment trend compares with). Older messages cannot change a score, so scoring need not
    /// analyse them.
    /// </summary>
    public const int SentimentLookbackDays = 240;

    private static readonly int Count = FeatureSchema.Count;

    /// <summary>Builds the feature vector of <paramref name="history"/> at <paramref name="asOf"/> into a new array.</summary>
    public static float[] Build(CustomerHistory history, DateTime asOf, MessageSentiment? sentiment = null)
    {
        var values = new float[Count];
        Build(history, asOf, sentiment ?? MessageSentiment.None, values);
        return values;
    }

    public static void Build(CustomerHistory history, DateTime asOf, MessageSentiment sentiment, Span<float> into)
    {
        if (into.Length != Count)
            throw new ArgumentException($"Feature span must hold {Count} values.", nameof(into));
        var i = 0;
        var t = asOf;

        // --- tenure and contracts
        into[i++] = (float)Math.Max(0, (t - history.Contact.CreatedOn).TotalDays / DaysPerYear);
        var running = RunningContract(history, t);
        var started = 0;
        foreach (var order in history.Orders)
        {
            if (PointInTime.StartedBefore(order, t))
                started++;
        }
        var variable = running is not null && PointInTime.IsVariable(running, t);
        var knownEnd = running is null || variable ? null : PointInTime.KnownEnd(running, t);
        var daysToEnd = knownEnd is { } end ? Math.Max(0, (end - t).TotalDays) : 400;
        into[i++] = variable ? 1 : 0;
        into[i++] = (float)Math.Min(daysToEnd, 400);
        into[i++] = knownEnd is not null && daysToEnd < 60 ? 1 : 0;
        into[i++] = started;
        into[i++] = (float)(running?.TotalAmount ?? 0);

        // --- price change: latest invoice vs the one about three months earlier, net of the change over the same months a
        // year before (bills that follow usage rise every autumn; that is season, not price).
        var invoices = history.Invoices.Where(v => v.CreatedOn < t).OrderBy(v => v.CreatedOn).ToArray();
        var priceChange = 0.0;
        if (invoices.Length > 0)
        {
            var latest = invoices[^1];
            var change = Ratio(latest.Amount, AmountAround(invoices, latest.CreatedOn.AddDays(-90)));
            var seasonal = Ratio(AmountAround(invoices, latest.CreatedOn.AddDays(-365)), AmountAround(invoices, latest.CreatedOn.AddDays(-455)));
            priceChange = change is { } c ? c / (seasonal ?? 1) - 1 : 0;
        }
        into[i++] = (float)priceChange;
        // Days since the bill last went up by more than 2 % beyond its seasonal pattern (a tariff increase, a dearer renewal
        // or a roll-over): price shocks drive switching for a few months, then fade. A rise the same months saw a year before
        // is season, unless the bill now tops every bill of the past year: suppliers raise tariffs in the same months every
        // year (January, July), and a bill that only follows the season never sets a new high. The past year reaches back 13
        // months (the tolerance of "a year before" above): last year's bill of the same month, a yearly settlement say, is always
        // in it, whatever day of the month either was made.
        var sincePriceIncrease = 400.0;
        for (var k = 1; k < invoices.Length; k++)
        {
            if (Ratio(invoices[k].Amount, invoices[k - 1].Amount) is not { } step || step <= 1.02)
                continue;
            var lastYear = Ratio(AmountAround(invoices, invoices[k].CreatedOn.AddDays(-365)), AmountAround(invoices, invoices[k - 1].CreatedOn.AddDays(-365)));
            if (step / Math.Max(1.0, lastYear ?? 1) > 1.02 || Ratio(invoices[k].Amount, HighestSince(invoices, k, invoices[k].CreatedOn.AddDays(-365 - 45))) > 1.02)
                sincePriceIncrease = (t - invoices[k].CreatedOn).TotalDays;
        }
        into[i++] = (float)Math.Min(sincePriceIncrease, 400);

        // --- cases
        int complaints30 = 0, complaints90 = 0, complaints365 = 0, questions90 = 0, requests90 = 0, open = 0, reopened365 = 0, resolved365 = 0, urgent60 = 0;
        var resolutions = history.CaseResolutions;
        int rated90 = 0;
        double satisfaction90 = 0;
        double resolutionHours = 0;
        foreach (var c in history.Cases)
        {
            if (c.CreatedOn >= t)
                continue;
            var age = (t - c.CreatedOn).TotalDays;
            if (c.CaseType == 2)
            {
                if (age <= 30) complaints30++;
                if (age <= 90) complaints90++;
                if (age <= 365) complaints365++;
            }
            else if (age <= 90)
            {
                if (c.CaseType == 1) questions90++;
                else if (c.CaseType == 3) requests90++;
            }
            if (age <= 60 && c.Priority == 1)
                urgent60++;
            var firstResolved = PointInTime.FirstResolvedBefore(c, resolutions, t);
            var resolvedBefore = firstResolved is not null;
            if (PointInTime.OpenAt(c, resolutions, t))
                open++;
            if (age <= 365)
            {
                // Not solved first time: a follow-up case, or a resolution the customer rejected (the case was reopened).
                if (c.ParentCaseId is not null || ReopenedBefore(c.Id, resolutions, t))
                    reopened365++;
                if (resolvedBefore && age <= 90 && c.Satisfaction is { } rating)
                {
                    rated90++;
                    satisfaction90 += rating;
                }
                if (resolvedBefore)
                {
                    resolved365++;
                    resolutionHours += (firstResolved!.Value - c.CreatedOn).TotalHours;
                }
            }
        }
        into[i++] = complaints30;
        into[i++] = complaints90;
        into[i++] = complaints365;
        into[i++] = questions90;
        into[i++] = requests90;
        into[i++] = open;
        into[i++] = reopened365;
        into[i++] = resolved365 == 0 ? 0 : (float)(resolutionHours / resolved365);
        into[i++] = urgent60;
        // Missing (no rated case) stays NaN: LightGBM learns a branch for it, the linear baseline imputes the mean.
        into[i++] = rated90 == 0 ? float.NaN : (float)(satisfaction90 / rated90);

        // --- contact moments and sentiment (inbound = written or called by the customer)
        int inbound30 = 0, inbound90 = 0, calls90 = 0, outbound90 = 0, baseline = 0, longCalls60 = 0;
        double lastInbound = double.MaxValue;
        double sentimentSum60 = 0, sentimentMin60 = 0, negative60 = 0, sentimentSumPrior = 0;
        int sentimentCount60 = 0, sentimentCountPrior = 0;
        foreach (var a in history.Activities)
        {
            if (a.On >= t)
                continue;
            var age = (t - a.On).TotalDays;
            if (a.Outgoing)
            {
                if (age <= 90) outbound90++;
                continue;
            }
            lastInbound = Math.Min(lastInbound, age);
            if (age <= 30) inbound30++;
            else if (age <= 210) baseline++;
            if (age <= 90)
            {
                inbound90++;
                if (a.Kind == ActivityKind.PhoneCall) calls90++;
            }
            if (age <= 60 && a.Kind == ActivityKind.PhoneCall && a.DurationMinutes >= LongCallMinutes)
                longCalls60++;
            if (sentiment.TryGet(a.Id, out var score))
            {
                if (age <= 60)
                {
                    sentimentSum60 += score;
                    sentimentCount60++;
                    sentimentMin60 = Math.Min(sentimentMin60, score);
                    negative60 += score <= StronglyNegativeSentiment ? 1 : score <= NegativeSentiment ? 0.5 : 0;
                }
                else if (age <= SentimentLookbackDays)
                {
                    sentimentSumPrior += score;
                    sentimentCountPrior++;
                }
            }
        }
        var usualPer30 = baseline / 6.0;
        into[i++] = inbound30;
        into[i++] = inbound90;
        into[i++] = calls90;
        into[i++] = longCalls60;
        into[i++] = outbound90;
        into[i++] = (float)(inbound30 / Math.Max(1.0, usualPer30));
        into[i++] = inbound30 >= 3 && inbound30 >= 3 * Math.Max(1.0, usualPer30) ? 1 : 0;
        into[i++] = (float)Math.Min(lastInbound, 400);

        // --- payment behaviour over invoices due in the last year (unpaid at T counts as late once due)
        int late = 0, veryLate = 0, due365 = 0, overdue = 0;
        foreach (var invoice in history.Invoices)
        {
            if (invoice.CreatedOn >= t || invoice.DueDate >= t)
                continue;
            var daysLate = invoice.DaysLate(t);
            var unpaidAtT = invoice.PaidOn is not { } p || p >= t;
            if (unpaidAtT && daysLate > 0)
                overdue++;
            if ((t - invoice.DueDate).TotalDays > 365)
                continue;
            due365++;
            if (daysLate > 0) late++;
            if (daysLate > 30) veryLate++;
        }
        into[i++] = late;
        into[i++] = veryLate;
        into[i++] = due365 == 0 ? 1 : (float)(1 - late / (double)due365);
        into[i++] = overdue;

        var (trend, readings) = UsageLevel(history.Usage, t);
        into[i++] = (float)trend;
        into[i++] = readings >= 8 && trend < 0.6 ? 1 : 0;

        into[i++] = sentimentCount60 == 0 ? 0 : (float)(sentimentSum60 / sentimentCount60);
        into[i++] = (float)sentimentMin60;
        into[i++] = (float)negative60;
        into[i++] = sentimentCount60 == 0 || sentimentCountPrior == 0 ? 0 : (float)(sentimentSum60 / sentimentCount60 - sentimentSumPrior / sentimentCountPrior);

        // --- retention offers
        int declined180 = 0, accepted180 = 0, proposed90 = 0;
        foreach (var r in history.Recommendations)
        {
            if (r.CreatedOn >= t)
                continue;
            if ((t - r.CreatedOn).TotalDays <= 90) proposed90++;
            if (r.RespondedOn is { } on && on < t && (t - on).TotalDays <= 180)
            {
                if (r.Status == Data.Metadata.Names.Choices.RecommendationDeclined) declined180++;
                else if (r.Status == Data.Metadata.Names.Choices.RecommendationAccepted) accepted180++;
            }
        }
        into[i++] = declined180;
        into[i++] = accepted180 > 0 ? 1 : 0;
        into[i++] = proposed90;

        // --- signals of real exports: roll-over to a variable tariff, rejected case resolutions, billing errors
        into[i++] = (float)Math.Min(DaysSinceRollOver(history, running, t), 400);
        into[i++] = resolved365 == 0 ? 0 : (float)Math.Min(1.0, reopened365 / (double)resolved365);
        into[i++] = (float)InvoiceAnomaly(invoices, t);
        var reopens90 = 0;
        foreach (var r in resolutions)
        {
            if (r.CancelledOn is { } reopenedOn && reopenedOn < t && (t - reopenedOn).TotalDays <= 90)
                reopens90++;
        }
        into[i++] = reopens90;

        if (i != Count)
            throw new InvalidOperationException($"Feature builder filled {i} of {Count} features; FeatureSchema and FeatureBuilder disagree.");
    }

    /// <summary>The contract supplying the customer at <paramref name="asOf"/> as known then (latest started, not yet ended).</summary>
    public static OrderRecord? RunningContract(CustomerHistory history, DateTime asOf) => PointInTime.RunningContract(history, asOf);

    private static double? Ratio(decimal? numerator, decimal? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 && n > 0 ? (double)(n / d) : null;

    /// <summary>The highest amount of the invoices before index <paramref name="k"/> created from <paramref name="from"/> on.</summary>
    private static decimal? HighestSince(InvoiceRecord[] ordered, int k, DateTime from)
    {
        decimal? highest = null;
        for (var j = k - 1; j >= 0 && ordered[j].CreatedOn >= from; j--)
            highest = highest is { } h && h >= ordered[j].Amount ? h : ordered[j].Amount;
        return highest;
    }

    /// <summary>The amount of the latest invoice created on or before <paramref name="at"/> and at most 45 days before it.</summary>
    private static decimal? AmountAround(InvoiceRecord[] ordered, DateTime at)
    {
        for (var k = ordered.Length - 1; k >= 0; k--)
        {
            if (ordered[k].CreatedOn <= at)
                return (at - ordered[k].CreatedOn).TotalDays <= 45 ? ordered[k].Amount : null;
        }
        return null;
    }

    private static bool ReopenedBefore(Guid caseId, IReadOnlyList<CaseResolutionRecord> resolutions, DateTime t)
    {
        foreach (var r in resolutions)
        {
            if (r.CaseId == caseId && r.CancelledOn is { } reopened && reopened < t)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Days since the running contract took over from a fixed one that ran out: a variable contract, more than 5 % dearer per
    /// year than the fixed one, that started within a few days of its term end. 400 = no roll-over.
    /// </summary>
    private static double DaysSinceRollOver(CustomerHistory history, OrderRecord? running, DateTime t)
    {
        if (running?.Start is not { } start || !PointInTime.IsVariable(running, t))
            return 400;
        foreach (var previous in history.Orders)
        {
            if (ReferenceEquals(previous, running) || !PointInTime.StartedBefore(previous, start) || PointInTime.IsVariable(previous, start))
                continue;
            if (previous.ContractEnd is { } end && Math.Abs((start.Date - end.Date).TotalDays) <= 3 && running.TotalAmount > previous.TotalAmount * 1.05m)
                return (t - start).TotalDays;
        }
        return 400;
    }

    /// <summary>
    /// The largest invoice of the last 90 days against the median of the six before it, as a ratio (1 = usual; a billing error
    /// shows as 2 or more). Needs three earlier invoices.
    /// </summary>
    private static double InvoiceAnomaly(InvoiceRecord[] ordered, DateTime t)
    {
        var worst = 1.0;
        Span<double> window = stackalloc double[6];
        for (var k = ordered.Length - 1; k >= 3 && (t - ordered[k].CreatedOn).TotalDays <= 90; k--)
        {
            var n = 0;
            for (var j = k - 1; j >= 0 && n < 6; j--)
                window[n++] = (double)ordered[j].Amount;
            var usual = window[..n];
            usual.Sort();
            var median = n % 2 == 1 ? usual[n / 2] : (usual[n / 2 - 1] + usual[n / 2]) / 2;
            if (median > 0)
                worst = Math.Max(worst, (double)ordered[k].Amount / median);
        }
        return worst;
    }

    /// <summary>
    /// Level of electricity use now against usual, robust to solar panels (net use below zero) and to the season: the last two
    /// readings minus the same two months a year earlier when the history reaches back that far (otherwise minus the six
    /// readings before them), relative to the mean absolute monthly use before the last two. 1 = unchanged, 0.35 = down 65 % (moving out). A
    /// producer (net use below zero in some month) without a year of readings gets 1: their summer dip is the sun.
    /// Gas is left out: its seasonal swing is larger than the drop that signals a move.
    /// </summary>
    private static (double Level, int Readings) UsageLevel(IReadOnlyList<UsageRecord> usage, DateTime t)
    {
        var readings = usage.Where(u => u.KnownBefore(t)).OrderByDescending(u => u.Date).Take(14).Select(u => u.ElectricityKwh).ToArray();
        if (readings.Length < 4)
            return (1, readings.Length);
        var last2 = (readings[0] + readings[1]) / 2;
        var yearAgo = readings.Length >= 14;
        if (!yearAgo && readings.Any(r => r < 0))
            return (1, readings.Length); // solar: net use swings with the sun; only a year-over-year change says anything
        var reference = yearAgo ? (readings[12] + readings[13]) / 2 : readings.Skip(2).Take(6).Average();
        var typical = (yearAgo ? readings.Skip(2).Take(12) : readings.Skip(2).Take(6)).Average(Math.Abs);
        if (typical <= 0)
            return (1, readings.Length);
        return (1 + (last2 - reference) / typical, readings.Length);
    }
}
