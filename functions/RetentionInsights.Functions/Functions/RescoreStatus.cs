using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>GET /api/rescore/{batchId}: progress of a batch rescore.</summary>
public sealed class RescoreStatus(RetentionApi api)
{
    [Function(nameof(RescoreStatus))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "rescore/{batchId}")] HttpRequest request, string batchId, CancellationToken cancellationToken) =>
        api.RescoreStatusAsync(request, batchId, cancellationToken);
}
