using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>POST /api/customers/{id}/offers/{offerId}/response: an agent accepted or declined an offer.</summary>
public sealed class OfferResponse(RetentionApi api)
{
    [Function(nameof(OfferResponse))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "customers/{id}/offers/{offerId}/response")] HttpRequest request, string id, string offerId, CancellationToken cancellationToken) =>
        api.OfferResponseAsync(request, id, offerId, cancellationToken);
}
