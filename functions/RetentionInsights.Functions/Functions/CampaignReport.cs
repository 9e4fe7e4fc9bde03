using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>GET /api/campaign?from=yyyy-MM-dd&amp;to=yyyy-MM-dd: treatment against the standing control group (same JSON as `rtn campaign report --json`).</summary>
public sealed class CampaignReport(RetentionApi api)
{
    [Function(nameof(CampaignReport))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "campaign")] HttpRequest request, CancellationToken cancellationToken) =>
        api.CampaignReportAsync(request, cancellationToken);
}
