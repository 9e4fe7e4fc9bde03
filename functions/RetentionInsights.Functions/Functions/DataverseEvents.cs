using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>POST /api/dataverse/events: a Dataverse webhook (RemoteExecutionContext) that rescores the event's customer.</summary>
public sealed class DataverseEvents(RetentionApi api)
{
    [Function(nameof(DataverseEvents))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "dataverse/events")] HttpRequest request, CancellationToken cancellationToken) =>
        api.DataverseEventsAsync(request, cancellationToken);
}
