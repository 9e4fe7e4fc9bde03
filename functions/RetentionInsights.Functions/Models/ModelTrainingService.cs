using Microsoft.Extensions.Logging;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Models;

public sealed record TrainingStatus(string State, DateTime? StartedOn, DateTime? FinishedOn, string? CandidateVersion, bool? Promoted, string Detail);

public sealed record ModelVersionView(string Version, DateTime TrainedOn, DateTime DataWindowEnd, int HorizonDays, bool IsChampion,
    IReadOnlyDictionary<string, double> Metrics);

public sealed record ModelsResponse(string? Champion, IReadOnlyList<ModelVersionView> Versions, TrainingStatus Training);

/// <summary>
/// Weekly training (timer) and on-demand training (POST /api/models/train): reads every customer and runs the one training
/// path (<see cref="ModelTraining"/>: challenger against the champion on the same holdout). One run at a time.
/// </summary>
public sealed class ModelTrainingService(IRetentionStore store, IModelStore models, ISentimentAnalyzer sentiment, CustomerRescorer rescorer,
    EngineScorer? engineScorer, TimeProvider time, ILogger<ModelTrainingService> logger, RetentionInsights.Functions.State.IStateStore? state = null)
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private TrainingStatus _status = new("idle", null, null, null, null, "No training has run since the service started.");

    /// <summary>The last run, persisted, so a run whose process was killed shows as failed instead of vanishing.</summary>
    private const string RecordKey = "training/last";

    /// <summary>This process's runs; a "running" record of any other process is a run that was killed.</summary>
    private static readonly string ProcessToken = Guid.NewGuid().ToString("N");

    private sealed record TrainingRecord(TrainingStatus Status, string Process);

    private async Task RecordAsync(TrainingStatus status, CancellationToken cancellationToken)
    {
        if (state is null)
            return;
        await state.PutAsync([new(RecordKey, System.Text.Json.JsonSerializer.Serialize(new TrainingRecord(status, ProcessToken)))], cancellationToken);
    }

    /// <summary>The status to show: this process's, or the persisted record of an earlier process (failed if it never finished).</summary>
    private async Task<TrainingStatus> CurrentStatusAsync(CancellationToken cancellationToken)
    {
        if (_status.State != "idle" || state is null || await state.GetAsync(RecordKey, cancellationToken) is not { } entry)
            return _status;
        var record = System.Text.Json.JsonSerializer.Deserialize<TrainingRecord>(entry.Value)!;
        if (record.Status.State != "running" || record.Process == ProcessToken)
            return record.Status;
        var failed = record.Status with
        {
            State = "failed",
            FinishedOn = null,
            Promoted = false,
            Detail = "The run did not finish: the process running it ended (killed or restarted). Nothing was promoted; start a new run.",
        };
        await RecordAsync(failed, cancellationToken);
        return failed;
    }

    public TrainingStatus Status => _status;

    /// <summary>Starts a run in the background; false when one is already running.</summary>
    public (bool Started, TrainingStatus Status) Start()
    {
        if (!_running.Wait(0))
            return (false, _status);
        _status = new TrainingStatus("running", time.GetUtcNow().UtcDateTime, null, null, null, "Training started.");
        _ = Task.Run(async () =>
        {
            try
            {
                await TrainCoreAsync(CancellationToken.None);
            }
            finally
            {
                _running.Release();
            }
        });
        return (true, _status);
    }

    /// <summary>Runs a training to the end (the weekly timer waits for it).</summary>
    public async Task<TrainingStatus> RunAsync(CancellationToken cancellationToken)
    {
        if (!await _running.WaitAsync(0, cancellationToken))
            return _status;
        try
        {
            _status = new TrainingStatus("running", time.GetUtcNow().UtcDateTime, null, null, null, "Training started.");
            return await TrainCoreAsync(cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    public async Task<ModelsResponse> DescribeAsync(CancellationToken cancellationToken)
    {
        var champion = await models.GetChampionVersionAsync(cancellationToken);
        var versions = (await models.ListAsync(cancellationToken))
            .Select(m => new ModelVersionView(m.Version, m.TrainedOn, m.DataWindowEnd, m.HorizonDays, m.Version == champion, m.Metrics)).ToList();
        return new ModelsResponse(champion, versions, await CurrentStatusAsync(cancellationToken));
    }

    private async Task<TrainingStatus> TrainCoreAsync(CancellationToken cancellationToken)
    {
        var started = _status.StartedOn ?? time.GetUtcNow().UtcDateTime;
        try
        {
            await RecordAsync(_status, cancellationToken);
            if (models is LocalFolderModelStore folder)
                folder.RemoveAbandonedStaging();
            var ids = await store.ListContactIdsAsync(activeOnly: false, cancellationToken);
            var histories = await store.LoadCustomersAsync(ids, cancellationToken);
            var catalogue = await store.LoadOfferCatalogueAsync(cancellationToken);
            var messages = await MessageSentiment.ComputeAsync(sentiment, histories, cancellationToken: cancellationToken);
            var (_, decision) = await ModelTraining.TrainAndPromoteAsync(models, histories, catalogue, new TrainingOptions { AsOf = rescorer.AsOf },
                messages, cancellationToken);
            if (decision.Promoted)
                engineScorer?.Invalidate();
            logger.LogInformation("Trained {ModelVersion} on {Customers} customers: promoted {Promoted} ({Reason})",
                decision.CandidateVersion, histories.Count, decision.Promoted, decision.Reason);
            _status = new TrainingStatus("completed", started, time.GetUtcNow().UtcDateTime, decision.CandidateVersion, decision.Promoted, decision.Reason);
            await RecordAsync(_status, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any failure ends the run as "failed" with its message; a background run must never stay "running" forever.
            logger.LogError(e, "Training failed");
            _status = new TrainingStatus("failed", started, time.GetUtcNow().UtcDateTime, null, false, e.Message);
            await RecordAsync(_status, CancellationToken.None);
        }
        return _status;
    }
}
