using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Nightly;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Tests.Support;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Tests.Nightly;

/// <summary>The feature snapshot kept up to date from Dataverse with change tracking (and a modifiedon window where it is off).</summary>
[Collection(ServiceTests.Name)]
public sealed class DataverseChangeTrackingTests(ServiceFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private sealed class Token : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.UtcNow.AddHours(1));
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class NoWait : IRetryDelay
    {
        public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task SecondNight_ReadsOnlyTheChangedContactsThroughDeltaLinksAndAppliesRemovedRows()
    {
        var db = fixture.CopyOrg();
        var server = new ODataTestServer(db);
        server.NotChangeTracked.Add("incidents");
        var services = new ServiceCollection();
        services.AddSingleton<IRetryDelay>(new NoWait());
        services.AddDataverseWebApi(new Uri(ODataTestServer.Host), new Token(), _ => server);
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<DataverseStore>();
        var updater = new DataverseSnapshotUpdater(store, new OfflineSentimentAnalyzer(), TimeProvider.System);
        var (snapshot, full) = await updater.UpdateAsync(null, rebuild: false, CancellationToken.None);
        var contacts = OrgSql.Column(db, "SELECT contactid FROM contact WHERE statecode = 0 ORDER BY contactid").Select(Guid.Parse).ToList();
        var (messaged, billed, scoredOnly) = (contacts[0], snapshot.Histories.Values.First(h => h.Invoices.Count > 1).Contact.Id, contacts[2]);
        var withCase = snapshot.Histories.Values.First(h => h.Cases.Count > 0 && h.Contact.Id != billed && h.Contact.Id != messaged);
        var later = StorageFormat.DateTime(DateTime.UtcNow.AddMinutes(1));

        // A day at the source: a new complaint by e-mail, an invoice credited away, a case edited (a table without change
        // tracking), and the service's own score write on another contact.
        var email = Guid.NewGuid();
        server.Insert("email", new()
        {
            ["activityid"] = email.ToString("D"), ["regardingobjectid"] = messaged.ToString("D"), ["regardingobjectidtype"] = "contact", ["directioncode"] = 0L,
            ["subject"] = "Complaint", ["description"] = "Third time I write about the wrong bill, I am leaving.", ["actualend"] = "2026-10-31T09:00:00Z",
            ["createdon"] = "2026-10-31T09:00:00Z", ["statecode"] = 1L,
        });
        var invoice = snapshot.Histories[billed].Invoices[0].Id;
        server.Delete("invoice", invoice);
        server.Update("incident", withCase.Cases[0].Id, "title", "Meter replaced, customer unhappy");
        server.Update("incident", withCase.Cases[0].Id, "modifiedon", later);
        server.Update("contact", scoredOnly, Names.Contact.ChurnProbability, 0.42);
        var requestsBefore = server.Requests.Count;
        var before = snapshot.Histories.AllEncoded.ToDictionary(kv => kv.Key, kv => kv.Value);

        var (updated, delta) = await updater.UpdateAsync(snapshot, rebuild: false, CancellationToken.None);
        var requests = server.Requests.Count - requestsBefore;

        Assert.Equal("full", full.Mode);
        Assert.StartsWith("modifiedon:", snapshot.DeltaLinks["incident"], StringComparison.Ordinal);
        Assert.Contains("$deltatoken=", updated.DeltaLinks["email"], StringComparison.Ordinal);
        Assert.Equal("delta", delta.Mode);
        Assert.Equal(3, delta.ContactsReread);
        var reread = updated.Histories.AllEncoded.Where(kv => !ReferenceEquals(kv.Value, before[kv.Key])).Select(kv => kv.Key);
        Assert.Equal(new[] { messaged, billed, withCase.Contact.Id }.Order(), reread.Order());
        Assert.Contains(server.PreferHeaders, p => p == "odata.track-changes");
        Assert.Contains(server.Requests, r => r.Contains("modifiedon gt", StringComparison.Ordinal));
        Assert.Contains(updated.Histories[messaged].Activities, a => a.Id == email);
        Assert.DoesNotContain(updated.Histories[billed].Invoices, i => i.Id == invoice);
        Assert.Equal("Meter replaced, customer unhappy", updated.Histories[withCase.Contact.Id].Cases.Single(c => c.Id == withCase.Cases[0].Id).Title);
        Assert.True(updated.Sentiment.ContainsKey(email));
        // One delta query per source table and one slice of re-reads: a small fraction of a request per contact.
        Assert.True(requests / (double)updated.Histories.Count <= 0.05, $"{requests} requests for {updated.Histories.Count} contacts");
        Assert.Equal(requests, delta.WebApiRequests);

        // Every contact's history in the snapshot is what a full read from the Web API gives now.
        var fresh = (await store.LoadCustomersAsync(updated.Histories.Keys.ToList(), CancellationToken.None)).ToDictionary(h => h.Contact.Id);
        Assert.Equal(fresh.Count, updated.Histories.Count);
        foreach (var (id, history) in fresh)
        {
            var kept = updated.Histories[id];
            Assert.Equal(history.Contact, kept.Contact);
            Assert.Equal(history.Orders, kept.Orders);
            Assert.Equal(history.OrderLines.OrderBy(l => l.Id), kept.OrderLines.OrderBy(l => l.Id));
            Assert.Equal(history.Invoices, kept.Invoices);
            Assert.Equal(history.Cases, kept.Cases);
            Assert.Equal(history.Activities.OrderBy(a => a.On).ThenBy(a => a.Id), kept.Activities.OrderBy(a => a.On).ThenBy(a => a.Id));
            Assert.Equal(history.Usage, kept.Usage);
        }
    }

    [Fact]
    public async Task NightlyFromTheSnapshot_OnDataverse_SecondNightStaysWithinATwentiethOfARequestPerContact()
    {
        var db = fixture.CopyOrg();
        var server = new ODataTestServer(db);
        var services = new ServiceCollection();
        services.AddSingleton<IRetryDelay>(new NoWait());
        services.AddDataverseWebApi(new Uri(ODataTestServer.Host), new Token(), _ => server);
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<DataverseStore>();
        using var app = new TestApp(fixture, new()
        {
            ["Retention:DataverseUrl"] = ODataTestServer.Host,
            ["Retention:LocalOrgPath"] = Path.Combine(fixture.Root, "state-" + Guid.NewGuid().ToString("N") + ".db"),
        }, s => s.AddSingleton(store));
        var analyzer = new OfflineSentimentAnalyzer();
        var updater = new DataverseSnapshotUpdater(store, analyzer, TimeProvider.System);
        async Task<(IReadOnlyList<RescoreResult> Results, SnapshotUpdate Update)> Night(FeatureSnapshot? stored, DateTime asOf)
        {
            var (snapshot, update) = await updater.UpdateAsync(stored, rebuild: false, CancellationToken.None);
            var scorer = ActivatorUtilities.CreateInstance<EngineScorer>(app.Services, new SnapshotSentimentAnalyzer(snapshot, analyzer));
            var rescorer = ActivatorUtilities.CreateInstance<CustomerRescorer>(app.Services, new SnapshotRetentionStore(store, snapshot), scorer);
            nights.Add(snapshot);
            return (await rescorer.RescoreAllAsync(asOf, null, CancellationToken.None), update);
        }

        var first = await Night(null, ServiceFixture.AsOf);
        var firstRequests = server.Requests.Count;
        // A day: 1 % of the contacts write an e-mail.
        foreach (var contact in first.Results.Where(r => r.Scored).Take(first.Results.Count / 100).Select(r => r.ContactId))
        {
            server.Insert("email", new()
            {
                ["activityid"] = Guid.NewGuid().ToString("D"), ["regardingobjectid"] = contact.ToString("D"), ["regardingobjectidtype"] = "contact",
                ["directioncode"] = 0L, ["subject"] = "Bill", ["description"] = "Why is my bill so high?", ["actualend"] = "2026-11-01T10:00:00Z",
                ["createdon"] = "2026-11-01T10:00:00Z", ["statecode"] = 1L,
            });
        }
        var second = await Night(nights[0], ServiceFixture.AsOf.AddDays(1));
        var secondRequests = server.Requests.Count - firstRequests;
        var perContact = secondRequests / (double)second.Results.Count;
        output.WriteLine($"first night: {firstRequests} requests for {first.Results.Count} contacts ({firstRequests / (double)first.Results.Count:0.000} per contact); " +
            $"second night: {secondRequests} requests ({perContact:0.000} per contact), {second.Update.ContactsReread} contacts re-read, " +
            $"{second.Results.Sum(r => r.Writes)} rows written, bulk requests {string.Join(", ", server.BulkRequests.Select(kv => $"{kv.Key} {kv.Value}"))}");

        Assert.Equal("delta", second.Update.Mode);
        Assert.Equal(first.Results.Count / 100, second.Update.ContactsReread);
        Assert.True(second.Results.Sum(r => r.Writes) > 0, "a day later nothing was rescored differently");
        Assert.True(perContact <= 0.05, $"{perContact:0.000} requests per contact on the second night");
        Assert.True(server.BulkRequests.GetValueOrDefault("UpdateMultiple") > 0);
    }

    private readonly List<FeatureSnapshot> nights = [];
}
