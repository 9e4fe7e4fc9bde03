using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>POST /api/models/train: starts a training run in the background (one at a time).</summary>
public sealed class ModelsTrain(RetentionApi api)
{
    [Function(nameof(ModelsTrain))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/train")] HttpRequest request) =>
        api.ModelsTrainAsync(request);
}
