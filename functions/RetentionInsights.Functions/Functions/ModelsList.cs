using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>GET /api/models: model versions, the champion and the training state.</summary>
public sealed class ModelsList(RetentionApi api)
{
    [Function(nameof(ModelsList))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequest request, CancellationToken cancellationToken) =>
        api.ModelsListAsync(request, cancellationToken);
}
