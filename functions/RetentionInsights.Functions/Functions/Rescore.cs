using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>POST /api/rescore: starts a batch rescore of every contact (optional body {"asOf": "yyyy-MM-dd"}).</summary>
public sealed class Rescore(RetentionApi api)
{
    [Function(nameof(Rescore))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "rescore")] HttpRequest request, CancellationToken cancellationToken) =>
        api.RescoreAsync(request, cancellationToken);
}
