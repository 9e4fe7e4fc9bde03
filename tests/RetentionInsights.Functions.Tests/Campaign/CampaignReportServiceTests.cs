using System.Net;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Campaign;

/// <summary>
/// A campaign report reads every contact and takes seconds of both cores: the service builds one at a time, callers asking for
/// the same window share it, and a caller asking for another window meanwhile is told when to come back.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed class CampaignReportServiceTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Campaign_ManyCallersAtOnce_ShareOneBuild_AnotherWindowMeanwhileIs503WithRetryAfter()
    {
        var gate = new GatedListing();
        using var app = new TestApp(fixture, services: services => services.DecorateStore(store => new GatedListingStore(store, gate)));
        using var client = app.KeyedClient();

        var same = Enumerable.Range(0, 4).Select(_ => client.GetAsync("/api/campaign")).ToArray();
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var other = await client.GetAsync("/api/campaign?from=2026-04-01&to=2026-07-01");
        gate.Release.SetResult();
        var answers = await Task.WhenAll(same);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(30), other.Headers.RetryAfter?.Delta);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Distinct());
        Assert.Contains("\"treatment\"", bodies[0]);
        Assert.Equal(1, gate.Listings);

        // Fresh for a while: asked again, the same report is answered without reading the org again.
        var again = await client.GetAsync("/api/campaign");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(bodies[0], await again.Content.ReadAsStringAsync());
        Assert.Equal(1, gate.Listings);
    }

    private sealed class GatedListing
    {
        public readonly TaskCompletionSource Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Listings;
    }

    /// <summary>The real store, except that listing every contact (the first step of a report) waits until the test releases it.</summary>
    private sealed class GatedListingStore(IRetentionStore inner, GatedListing gate) : DelegatingStore(inner)
    {
        public override async Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref gate.Listings);
            gate.Entered.TrySetResult();
            await gate.Release.Task.WaitAsync(cancellationToken);
            return await base.ListContactIdsAsync(activeOnly, cancellationToken);
        }
    }
}
