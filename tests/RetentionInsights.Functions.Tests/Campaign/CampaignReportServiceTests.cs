using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Records;
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
        using var app = new TestApp(fixture, services: services =>
        {
            var descriptor = services.Last(d => d.ServiceType == typeof(IRetentionStore));
            services.Remove(descriptor);
            services.AddSingleton<IRetentionStore>(sp => new GatedListingStore((IRetentionStore)descriptor.ImplementationFactory!(sp), gate));
        });
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
    private sealed class GatedListingStore(IRetentionStore inner, GatedListing gate) : IRetentionStore
    {
        public string Kind => inner.Kind;
        public async Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref gate.Listings);
            gate.Entered.TrySetResult();
            await gate.Release.Task.WaitAsync(cancellationToken);
            return await inner.ListContactIdsAsync(activeOnly, cancellationToken);
        }
        public Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) => inner.LoadCustomerAsync(contactId, cancellationToken);
        public Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken) => inner.LoadCustomersAsync(contactIds, cancellationToken);
        public Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken) => inner.LoadOfferCatalogueAsync(cancellationToken);
        public Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken) => inner.ListCustomersAsync(top, cancellationToken);
        public Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken) => inner.ReadContactStatesAsync(contactIds, cancellationToken);
        public Task<RecommendationRecord?> FindRecommendationAsync(Guid contactId, Guid offerOrRecommendationId, CancellationToken cancellationToken) => inner.FindRecommendationAsync(contactId, offerOrRecommendationId, cancellationToken);
        public Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken) => inner.ReadCustomerOfRecordAsync(table, id, cancellationToken);
        public Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken) => inner.ApplyAsync(changes, cancellationToken);
        public Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken) => inner.ApplyResponseAsync(response, cancellationToken);
        public Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken) => inner.EraseContactAsync(contactId, cancellationToken);
        public Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken) => inner.RemoveMessageDerivedDataAsync(createdBefore, cancellationToken);
    }
}
