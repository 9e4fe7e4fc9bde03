using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Functions;

/// <summary>GET /api/customers?top=N: contacts by churn probability (the preview's list).</summary>
public sealed class CustomerList(RetentionApi api)
{
    [Function(nameof(CustomerList))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "customers")] HttpRequest request, CancellationToken cancellationToken) =>
        api.CustomerListAsync(request, cancellationToken);
}
