using RetentionInsights.Functions.Benchmarks;
using RetentionInsights.Functions.Telemetry;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Benchmarks;

[Collection(ServiceTests.Name)]
public sealed class ServiceBenchmarkTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Run_SmallOrg_ReportsLatenciesAndNoDataverseWritesForUnchangedContacts()
    {
        var db = fixture.CopyOrg();

        var result = await ServiceBenchmark.RunAsync(db, fixture.ModelsPath, events: 20, concurrency: [1, 4]);

        Assert.Equal(fixture.ChampionVersion, result.ModelVersion);
        Assert.Equal(20, result.InProcess.Events);
        Assert.Equal(20, result.LoopbackHttp.Events);
        Assert.True(result.InProcess.P50Ms <= result.InProcess.P95Ms && result.InProcess.P95Ms <= result.InProcess.P99Ms);
        Assert.True(result.LoopbackHttp.EventsPerSecond > 0);
        Assert.Equal([1, 4], result.Concurrency.Select(c => c.Concurrency));
        Assert.All(result.Concurrency, c => Assert.Equal(20, c.LoopbackHttp.Events));
        Assert.All(result.Concurrency, c => Assert.True(c.LoopbackHttp.P50Ms <= c.LoopbackHttp.P99Ms));
        // The breakdown names every stage; each is part of the event, so none takes longer than the event itself.
        Assert.All(result.Concurrency, c =>
        {
            Assert.True(c.Breakdown.CpuMsPerEvent > 0);
            Assert.Equal(ServiceTelemetry.Stages.All, c.Breakdown.StageMsPerEvent.Keys);
            var stages = c.Breakdown.StageMsPerEvent;
            Assert.True(stages[ServiceTelemetry.Stages.Score] > 0 && stages[ServiceTelemetry.Stages.LedgerClaim] > 0);
            Assert.All(stages, s => Assert.InRange(s.Value, 0, stages[ServiceTelemetry.Stages.Event]));
        });
        // First pass writes the customers not yet scored; the second pass finds nothing changed and sends nothing.
        Assert.True(result.DataverseWriteCallsFirstPass > 0);
        Assert.Equal(0, result.DataverseWriteCallsPer1000Unchanged);
        Assert.Equal(0, result.LocalWritesPer1000Unchanged);
    }
}
