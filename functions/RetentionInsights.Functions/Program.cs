using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using RetentionInsights.Functions.Hosting;
using RetentionInsights.Functions.Security;

// The Azure host: the dotnet-isolated worker with ASP.NET Core integration. `rtn serve` runs the same functions on
// Kestrel without the Functions host (LocalServiceHost).
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ApiKeyWorkerMiddleware>();
builder.Services.AddRetentionServices(builder.Configuration);
builder.Build().Run();
