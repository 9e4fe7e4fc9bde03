using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>GET /api/customers/{id}/insights: risk, value, top-3 offers and the open alert of one contact (refreshed unless ?refresh=false).</summary>
public sealed class CustomerInsights(RetentionApi api)
{
    [Function(nameof(CustomerInsights))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "customers/{id}/insights")] HttpRequest request, string id, CancellationToken cancellationToken) =>
        api.CustomerInsightsAsync(request, id, cancellationToken);
}
