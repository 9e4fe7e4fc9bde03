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
public sealed class CampaignReportService(IRetentionStore store, ISentimentAnalyzer sentiment, CustomerRescorer rescorer)
{
    public async Task<object> BuildAsync(DateTime? from, DateTime? to, CancellationToken cancellationToken)
    {
        var (start, stop) = CampaignAnalysis.Window(rescorer.AsOf, from, to);
        if (stop <= start)
            throw RequestProblemException.BadRequest($"Query parameter 'to' ({stop:yyyy-MM-dd}) must be after 'from' ({start:yyyy-MM-dd}).");
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
