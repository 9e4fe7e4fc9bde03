using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Batch;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Endpoints;

/// <summary>One full rescore at a time: a second start while one runs is refused with the running batch's id.</summary>
[Collection(ServiceTests.Name)]
public sealed class RescoreSingleFlightTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Rescore_WhileABatchRuns_Is409NamingTheRunningBatchAndAcceptedAgainOnceItCompleted()
    {
        using var app = new TestApp(fixture, new() { ["Retention:ChunkSize"] = "100" });
        using var client = app.KeyedClient();

        var first = await client.PostAsync("/api/rescore", null);
        var second = await client.PostAsync("/api/rescore", null);
        var firstId = (await TestApp.ReadJsonAsync(first)).GetProperty("batchId").GetString()!;
        var coordinator = app.Services.GetRequiredService<BatchRescoreCoordinator>();
        for (var i = 0; i < 1200 && (await coordinator.StatusAsync(firstId, CancellationToken.None))!.Completed is false; i++)
            await Task.Delay(100);
        var third = await client.PostAsync("/api/rescore", null);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(firstId, (await TestApp.ReadJsonAsync(second)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
    }

    [Fact]
    public async Task Start_ManyAtOnce_ExactlyOneBatchStarts()
    {
        using var app = new TestApp(fixture);
        var coordinator = app.Services.GetRequiredService<BatchRescoreCoordinator>();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await coordinator.StartAsync(null, CancellationToken.None)).BatchId;
            }
            catch (BatchAlreadyRunningException)
            {
                return null;
            }
        })));

        Assert.Single(attempts, a => a is not null);
    }
}
