using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RetentionInsights.Functions.Batch;

/// <summary>Processes chunks of the in-process queue (local mode), retrying a failing chunk like a storage queue would.</summary>
public sealed class InProcessQueueWorker(InProcessRescoreQueue queue, IServiceProvider services, ILogger<InProcessQueueWorker> logger) : BackgroundService
{
    public const int MaxDequeueCount = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (Ctrl+C, or a start that failed): not an error, and it must not stop the host with a critical log.
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // An in-process queue dies with the process; the checkpoints do not. Pick up what a previous run left unfinished.
        await Task.Yield();
        var coordinator = services.GetRequiredService<BatchRescoreCoordinator>();
        foreach (var batch in await coordinator.UnfinishedBatchesAsync(stoppingToken))
        {
            var requeued = await coordinator.ResumeAsync(batch, stoppingToken);
            logger.LogInformation("Resuming batch {BatchId}: {Chunks} unfinished chunk(s) re-queued", batch, requeued);
        }

        await foreach (var message in queue.Reader.ReadAllAsync(stoppingToken))
        {
            for (var attempt = 1; attempt <= MaxDequeueCount && !stoppingToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    await services.GetRequiredService<BatchRescoreCoordinator>().ProcessChunkAsync(message, stoppingToken);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Progress is checkpointed, so a retry continues where this attempt stopped.
                    logger.LogWarning(e, "Batch {BatchId} chunk {Chunk} failed (attempt {Attempt} of {Max})", message.BatchId, message.Chunk, attempt, MaxDequeueCount);
                    if (attempt < MaxDequeueCount)
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), stoppingToken);
                }
            }
        }
    }
}
