using RetentionInsights.Functions.Http;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Scoring.Campaign;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Campaign;

/// <summary>
/// GET /api/campaign: the campaign report of `rtn campaign report --json` over the store's contacts, treatment against the
/// standing control group. The default window is the last complete control-group period before the service's scoring date.
/// </summary>
/// <remarks>
/// A report reads every contact's history and takes seconds of both cores, so the service builds one at a time: callers asking
/// for the report being built share it, a report stays fresh for <see cref="FreshFor"/> (it describes a past window), and a
/// caller asking for another window while one is being built is told to come back (503 with Retry-After) instead of queueing
/// work the machine cannot do in parallel. This object alone serialises the builds (<see cref="_gate"/>).
/// </remarks>
public sealed class CampaignReportService(IRetentionStore store, ISentimentAnalyzer sentiment, CustomerRescorer rescorer, TimeProvider time)
{
    /// <summary>How long a built report is answered from memory.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(10);

    /// <summary>Seconds a caller waits before asking for another window while a report is being built.</summary>
    public const int BusyRetryAfterSeconds = 30;

    private readonly object _gate = new();
    private Build? _latest;

    private sealed record Build(DateTime Start, DateTime Stop, DateTime StartedAt, Task<object> Report);

    public Task<object> BuildAsync(DateTime? from, DateTime? to, CancellationToken cancellationToken)
    {
        var (start, stop) = CampaignAnalysis.Window(rescorer.AsOf, from, to);
        if (stop <= start)
            throw RequestProblemException.BadRequest($"Query parameter 'to' ({stop:yyyy-MM-dd}) must be after 'from' ({start:yyyy-MM-dd}).");
        var now = time.GetUtcNow().UtcDateTime;
        Task<object> report;
        lock (_gate)
        {
            var latest = _latest;
            var sameWindow = latest is not null && latest.Start == start && latest.Stop == stop;
            if (sameWindow && (!latest!.Report.IsCompleted || (latest.Report.IsCompletedSuccessfully && now - latest.StartedAt < FreshFor)))
                report = latest.Report;
            else if (latest is not null && !latest.Report.IsCompleted)
                throw new RetryLaterException("Campaign report being built",
                    $"The report for {latest.Start:yyyy-MM-dd} to {latest.Stop:yyyy-MM-dd} is being built; reports are built one at a time. Ask again in {BusyRetryAfterSeconds} seconds.",
                    BusyRetryAfterSeconds);
            else
            {
                // Not tied to this caller's cancellation: others may be waiting for the same report.
                report = Task.Run(() => ComputeAsync(start, stop, CancellationToken.None), CancellationToken.None);
                _latest = new Build(start, stop, now, report);
            }
        }
        return report.WaitAsync(cancellationToken);
    }

    private async Task<object> ComputeAsync(DateTime start, DateTime stop, CancellationToken cancellationToken)
    {
        var ids = await store.ListContactIdsAsync(activeOnly: false, cancellationToken);
        var histories = await store.LoadCustomersAsync(ids, cancellationToken);
        var catalogue = await store.LoadOfferCatalogueAsync(cancellationToken);
        var messages = await MessageSentiment.ComputeAsync(sentiment, histories, cancellationToken: cancellationToken);
        var (score, source) = CampaignAnalysis.UpliftScorer(histories, catalogue, start, messages);
        CampaignReport report;
        try
        {
            report = CampaignReport.Build(histories, catalogue, start, stop, upliftScore: score);
        }
        catch (InvalidDataException e)
        {
            // No customers at the start of the window: the caller chose dates outside the org's history.
            throw RequestProblemException.BadRequest($"Query parameter 'from': {e.Message}");
        }
        return CampaignAnalysis.Json(report, source);
    }
}
