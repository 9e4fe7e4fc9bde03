using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Batch;

namespace RetentionInsights.Functions.Functions;

/// <summary>Every night (app setting RTN_NIGHTLY_SCHEDULE, NCRONTAB): resume unfinished batches, then rescore everyone.</summary>
public sealed class NightlyRescore(BatchRescoreCoordinator batches)
{
    [Function(nameof(NightlyRescore))]
    public Task Run([TimerTrigger("%RTN_NIGHTLY_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        batches.RunNightlyAsync(cancellationToken);
}
