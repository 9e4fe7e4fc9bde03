using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Batch;

namespace RetentionInsights.Functions.Functions;

/// <summary>One chunk of a batch rescore from the queue (identity-based connection "RescoreQueue").</summary>
public sealed class RescoreChunk(BatchRescoreCoordinator batches)
{
    [Function(nameof(RescoreChunk))]
    public Task Run([QueueTrigger(RescoreQueues.Name, Connection = "RescoreQueue")] string message, CancellationToken cancellationToken) =>
        batches.HandleMessageAsync(message, cancellationToken);
}
