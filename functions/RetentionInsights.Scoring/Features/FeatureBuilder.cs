using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.Features;

/// <summary>
/// Point-in-time features of one customer at snapshot date T (<c>asOf</c>). Every record is filtered on a date that was
/// known before T: orders by start, invoices by creation (paid status only if paid before T), cases by creation (resolved
/// only if resolved before T), messages/readings/recommendations by their own dates. Current-state fields (statecode,
/// cancellation dates after T) are never read, so history recorded later cannot leak into a past snapshot.
/// </summary>
public static class FeatureBuilder
{
    private const double DaysPerYear = 365.25;
    private const double NegativeSentiment = -0.2;
    // On the built-in analyzer strongly negative messages score about -0.75 and mildly negative ones about -0.5.
    private const double StronglyNegativeSentiment = -0.6;
    private const int LongCallMinutes = 15;

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
            if (StartOf(order) < t)
                started++;
        }
        var variable = running is { ContractEnd: null };
        var daysToEnd = running?.ContractEnd is { } end ? Math.Max(0, (end - t).TotalDays) : 400;
        into[i++] = variable ? 1 : 0;
        into[i++] = (float)Math.Min(daysToEnd, 400);
        into[i++] = running?.ContractEnd is not null && daysToEnd < 60 ? 1 : 0;
        into[i++] = started;
        into[i++] = (float)(running?.TotalAmount ?? 0);

        // --- price change: latest instalment vs the one about three months earlier; contract value change at renewal
        InvoiceRecord? latestInvoice = null;
        foreach (var invoice in history.Invoices)
        {
            if (invoice.CreatedOn < t && (latestInvoice is null || invoice.CreatedOn > latestInvoice.CreatedOn))
                latestInvoice = invoice;
        }
        InvoiceRecord? earlierInvoice = null;
        if (latestInvoice is not null)
        {
            var target = latestInvoice.CreatedOn.AddDays(-90);
            foreach (var invoice in history.Invoices)
            {
                if (invoice.CreatedOn <= target && (earlierInvoice is null || invoice.CreatedOn > earlierInvoice.CreatedOn))
                    earlierInvoice = invoice;
            }
        }
        into[i++] = latestInvoice is not null && earlierInvoice is { Amount: > 0 } ? (float)((double)latestInvoice.Amount / (double)earlierInvoice.Amount - 1) : 0;
        // Days since the instalment last went up by more than 2 % (a tariff increase or a dearer renewal): price shocks drive
        // switching for a few months, then fade.
        var sincePriceIncrease = 400.0;
        InvoiceRecord? priorInvoice = null;
        foreach (var invoice in history.Invoices.Where(v => v.CreatedOn < t).OrderBy(v => v.CreatedOn))
        {
            if (priorInvoice is { Amount: > 0 } && invoice.Amount > priorInvoice.Amount * 1.02m)
                sincePriceIncrease = (t - invoice.CreatedOn).TotalDays;
            priorInvoice = invoice;
        }
        into[i++] = (float)Math.Min(sincePriceIncrease, 400);

        // --- cases
        int complaints30 = 0, complaints90 = 0, complaints365 = 0, questions90 = 0, requests90 = 0, open = 0, reopened365 = 0, resolved365 = 0, urgent60 = 0;
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
            var resolvedBefore = c.ResolvedOn is { } r && r < t;
            if (!resolvedBefore)
                open++;
            if (age <= 365)
            {
                if (c.ParentCaseId is not null)
                    reopened365++;
                if (resolvedBefore && age <= 90 && c.Satisfaction is { } rating)
                {
                    rated90++;
                    satisfaction90 += rating;
                }
                if (resolvedBefore)
                {
                    resolved365++;
                    resolutionHours += (c.ResolvedOn!.Value - c.CreatedOn).TotalHours;
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
                else if (age <= 240)
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

        // --- usage trend: electricity of the last two readings against the six before (monthly readings). Gas is left out:
        // its seasonal swing is larger than the drop that signals a move.
        Span<double> recent = stackalloc double[8];
        var readings = 0;
        foreach (var u in history.Usage.Where(u => u.Date < t).OrderByDescending(u => u.Date))
        {
            recent[readings++] = u.ElectricityKwh;
            if (readings == 8)
                break;
        }
        var trend = 1.0;
        if (readings >= 4)
        {
            var last2 = (recent[0] + recent[1]) / 2;
            double before = 0;
            for (var k = 2; k < readings; k++)
                before += recent[k];
            before /= readings - 2;
            trend = before > 0 ? last2 / before : 1;
        }
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

        if (i != Count)
            throw new InvalidOperationException($"Feature builder filled {i} of {Count} features; FeatureSchema and FeatureBuilder disagree.");
    }

    private static DateTime StartOf(OrderRecord order) => order.Start ?? order.CreatedOn;

    /// <summary>The contract supplying the customer at <paramref name="asOf"/> as known then (latest started, not yet ended).</summary>
    public static OrderRecord? RunningContract(CustomerHistory history, DateTime asOf)
    {
        OrderRecord? running = null;
        foreach (var order in history.Orders)
        {
            var start = StartOf(order);
            if (start >= asOf)
                continue;
            var stopped = (order.CancelledOn is { } c && c < asOf) || (order.ContractEnd is { } e && e < asOf.Date);
            if (!stopped && (running is null || start > StartOf(running)))
                running = order;
        }
        return running;
    }
}
