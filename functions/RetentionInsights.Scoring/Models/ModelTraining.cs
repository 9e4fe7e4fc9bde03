using System.Text;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Reporting;

namespace RetentionInsights.Scoring.Models;

/// <summary>A finished training: the challenger, the registry's promotion decision and where its report went.</summary>
public sealed record TrainingRun(TrainingResult Result, PromotionDecision Decision);

/// <summary>
/// The one training path, for <c>rtn train</c> and the service's weekly/on-demand training alike: load the current champion,
/// train a challenger and evaluate both on the same holdout, save the challenger with its metrics, promote it only when it
/// is at least as good and not suspected of leakage (<see cref="LeakageGuard"/>), and keep the HTML report with the version.
/// </summary>
public static class ModelTraining
{
    public const string ReportName = "report.html";

    public static async Task<TrainingRun> TrainAndPromoteAsync(IModelStore store, IReadOnlyList<CustomerHistory> histories,
        IReadOnlyList<OfferRecord> catalogue, TrainingOptions options, MessageSentiment sentiment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var champion = await ModelRegistry.LoadChampionAsync(store, (meta, stream) => ChurnPredictor.Load(stream, meta.Features, meta.Seed), cancellationToken);
        var result = EngineTrainer.Train(histories, catalogue, options, sentiment, champion?.Model);
        using var buffer = new MemoryStream();
        result.Model.Save(buffer);
        buffer.Position = 0;
        // A suspiciously good model (a leaked column) is saved as a candidate but not promoted unless the options allow it.
        var decision = await LeakageGuard.SaveAndPromoteAsync(store, result.Metadata, result.LeakageFindings, options.Leakage.AllowSuspicious, buffer, cancellationToken);
        var html = TrainingReport.Render(result, (decision.Promoted ? "promoted: " : "not promoted: ") + decision.Reason);
        await store.SaveAttachmentAsync(result.Metadata.Version, ReportName, new MemoryStream(Encoding.UTF8.GetBytes(html)), cancellationToken);
        return new TrainingRun(result, decision);
    }
}
