using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Events;
using RetentionInsights.Functions.Hosting;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Functions.Stores.Dataverse;
using RetentionInsights.Functions.Stores.LocalOrg;
using RetentionInsights.Functions.Webhooks;

namespace RetentionInsights.Functions.Benchmarks;

public sealed record LatencySummary(int Events, double EventsPerSecond, double P50Ms, double P95Ms, double P99Ms, double MaxMs);

/// <summary>
/// Loopback HTTP events sent by <paramref name="Concurrency"/> callers at once; latency is per event. <paramref name="Breakdown"/>:
/// where an event's time went.
/// </summary>
public sealed record ConcurrencyLevel(int Concurrency, LatencySummary LoopbackHttp, StageBreakdown Breakdown);

public sealed record ServiceBenchmarkResult(
    int Contacts,
    string ModelVersion,
    LatencySummary InProcess,
    LatencySummary LoopbackHttp,
    int RescoredContacts,
    int ChangedOnFirstPass,
    long DataverseWriteCallsFirstPass,
    long DataverseWriteCallsPer1000Unchanged,
    long LocalWritesPer1000Unchanged,
    string Machine)
{
    /// <summary>p50/p99 per concurrency level (<c>--concurrency</c>).</summary>
    public IReadOnlyList<ConcurrencyLevel> Concurrency { get; init; } = [];
}

/// <summary>
/// `rtn bench service`: webhook events end to end (parse → ledger → load → score → change-only write) in-process and over
/// loopback HTTP against a local org, and the Dataverse write calls a rescore of 1,000 unchanged contacts costs (the
/// change sets go through the real Web API store onto a handler that counts requests). Prints numbers, judges nothing.
/// </summary>
public static class ServiceBenchmark
{
    public static readonly IReadOnlyList<int> DefaultConcurrency = [1, 4, 16];

    public static async Task<ServiceBenchmarkResult> RunAsync(string dbPath, string modelsPath, int events, IProgress<string>? progress = null,
        CancellationToken cancellationToken = default, IReadOnlyList<int>? concurrency = null)
    {
        var counting = new CountingWebApiHandler();
        var settings = new Dictionary<string, string?>
        {
            ["RTN_API_KEY"] = "bench-" + Guid.NewGuid().ToString("N"),
            ["Retention:LocalOrgPath"] = dbPath,
            ["Retention:ModelsPath"] = modelsPath,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var app = LocalServiceHost.Build(settings, "http://127.0.0.1:0", services =>
        {
            // Writes go to the local org and, in parallel, through the Web API store onto a counting handler.
            services.AddSingleton<IRetentionStore>(sp => new TeeStore(sp.GetRequiredService<LocalOrgStore>(),
                new DataverseStore(new DataverseWebApiClient(new HttpClient(counting) { BaseAddress = new Uri("https://bench.crm.dynamics.com/api/data/v9.2/") }))));
        });
        await app.StartAsync(cancellationToken);
        try
        {
            var services = app.Services;
            var store = services.GetRequiredService<LocalOrgStore>();
            var scorer = services.GetRequiredService<ICustomerScorer>();
            var model = await scorer.GetChampionVersionAsync(cancellationToken)
                ?? throw new InvalidOperationException($"No champion model in {modelsPath}; train one first (rtn train).");
            var targets = EventTargets(store, events);
            if (targets.Count == 0)
                throw new InvalidOperationException("The local org has no active contact with a case to raise events for.");
            var contacts = (await store.ListContactIdsAsync(activeOnly: true, cancellationToken)).Count;

            var processor = services.GetRequiredService<DataverseEventProcessor>();
            async Task InProcess(string body)
            {
                using var document = JsonDocument.Parse(body);
                await processor.ProcessAsync(document.RootElement, new DataverseHeaders("bench.crm.dynamics.com", "incident", "Update", null, false), cancellationToken);
            }
            // Both measurements start from the same state: every target customer scored once before (steady state).
            progress?.Report($"priming: scoring the {targets.Count} event customers once");
            foreach (var target in targets)
                await InProcess(Body(target));

            progress?.Report($"in-process: {events} incident events");
            var inProcess = await MeasureAsync(events, targets, InProcess);

            progress?.Report($"loopback HTTP: {events} incident events");
            var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
            async Task Post(string body)
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync($"/api/dataverse/events?code={Uri.EscapeDataString(settings["RTN_API_KEY"]!)}", content, cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"The service answered {(int)response.StatusCode} to a benchmark event.");
            }
            var loopback = await MeasureAsync(events, targets, Post);

            var levels = new List<ConcurrencyLevel>();
            foreach (var level in concurrency ?? DefaultConcurrency)
            {
                progress?.Report($"loopback HTTP: {events} incident events, {level} at a time");
                using var clock = new StageClock();
                var latency = await MeasureAsync(events, targets, Post, level, clock.Start);
                levels.Add(new ConcurrencyLevel(level, latency, clock.Stop(events)));
            }

            progress?.Report("rescoring 1,000 contacts twice");
            var rescorer = services.GetRequiredService<CustomerRescorer>();
            var sample = (await store.ListContactIdsAsync(activeOnly: true, cancellationToken)).Take(1000).ToList();
            counting.Reset();
            var first = await rescorer.RescoreManyAsync(sample, null, cancellationToken);
            var firstCalls = counting.WriteRequests;
            counting.Reset();
            var second = await rescorer.RescoreManyAsync(sample, null, cancellationToken);
            var per1000 = sample.Count == 0 ? 0 : counting.WriteRequests * 1000 / sample.Count;
            var localPer1000 = sample.Count == 0 ? 0 : second.Sum(r => (long)r.Writes) * 1000 / sample.Count;

            return new ServiceBenchmarkResult(contacts, model, inProcess, loopback, sample.Count, first.Count(r => r.Writes > 0), firstCalls, per1000,
                localPer1000, $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}") { Concurrency = levels };
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Generates the org and trains a champion when they are missing, so the benchmark runs from nothing.</summary>
    public static async Task PrepareAsync(string dbPath, string modelsPath, int contacts, int seed, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(dbPath))
        {
            progress?.Report($"generating {contacts:N0} contacts into {dbPath}");
            RetentionInsights.Data.Generation.OrgGenerator.Generate(dbPath, new RetentionInsights.Data.Generation.GeneratorOptions { Contacts = contacts, Seed = seed },
                cancellationToken: cancellationToken);
        }
        var models = new RetentionInsights.Functions.Models.LocalFolderModelStore(modelsPath);
        if (await RetentionInsights.Scoring.Models.ModelStoreExtensions.GetChampionVersionAsync(models, cancellationToken) is not null)
            return;
        progress?.Report($"training a champion into {modelsPath}");
        var data = new RetentionInsights.Data.Reading.LocalOrgReader().ReadAll(dbPath);
        using var store = new LocalOrgStore(dbPath);
        var asOf = store.GeneratedUntil ?? DateTime.UtcNow.Date;
        var sentiment = await RetentionInsights.Scoring.Features.MessageSentiment.ComputeAsync(new RetentionInsights.Scoring.Sentiment.OfflineSentimentAnalyzer(),
            data.Histories, cancellationToken: cancellationToken);
        var result = RetentionInsights.Scoring.Engine.EngineTrainer.Train(data.Histories, data.Offers,
            new RetentionInsights.Scoring.Engine.TrainingOptions { AsOf = asOf }, sentiment);
        using var zip = new MemoryStream();
        result.Model.Save(zip);
        zip.Position = 0;
        await RetentionInsights.Scoring.Models.ModelRegistry.SaveAndPromoteAsync(models, result.Metadata, zip, cancellationToken);
    }

    /// <summary>
    /// A champion in <paramref name="modelsPath"/> for scoring <paramref name="dbPath"/>, trained (when none is there) on a
    /// 5,000-contact org of the same generator and end date, generated into <paramref name="trainingOrgPath"/>.
    /// </summary>
    public static async Task PrepareModelAsync(string dbPath, string trainingOrgPath, string modelsPath, int seed, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var models = new RetentionInsights.Functions.Models.LocalFolderModelStore(modelsPath);
        if (await RetentionInsights.Scoring.Models.ModelStoreExtensions.GetChampionVersionAsync(models, cancellationToken) is not null)
            return;
        DateTime until;
        using (var store = new LocalOrgStore(dbPath))
            until = store.GeneratedUntil ?? DateTime.UtcNow.Date;
        if (!File.Exists(trainingOrgPath))
        {
            progress?.Report($"generating a 5,000-contact training org into {trainingOrgPath}");
            RetentionInsights.Data.Generation.OrgGenerator.Generate(trainingOrgPath,
                new RetentionInsights.Data.Generation.GeneratorOptions { Contacts = 5000, Seed = seed + 1, Until = until }, cancellationToken: cancellationToken);
        }
        await PrepareAsync(trainingOrgPath, modelsPath, 5000, seed + 1, progress, cancellationToken);
    }

    private static async Task<LatencySummary> MeasureAsync(int events, IReadOnlyList<(Guid Incident, Guid Contact)> targets, Func<string, Task> send,
        int concurrency = 1, Action? measuring = null)
    {
        // Warm-up: JIT, model load, connection pool.
        for (var i = 0; i < Math.Min(20, events); i++)
            await send(Body(targets[i % targets.Count]));
        measuring?.Invoke();
        var latencies = new double[events];
        var next = -1;
        var total = Stopwatch.StartNew();
        // `concurrency` callers take the next event as soon as their previous one is answered (a closed loop, as Dataverse's
        // async service workers post).
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < events; i = Interlocked.Increment(ref next))
            {
                var body = Body(targets[i % targets.Count]);
                var start = Stopwatch.GetTimestamp();
                await send(body);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        total.Stop();
        Array.Sort(latencies);
        return new LatencySummary(events, Math.Round(events / total.Elapsed.TotalSeconds, 1), Percentile(latencies, 0.50), Percentile(latencies, 0.95),
            Percentile(latencies, 0.99), Math.Round(latencies[^1], 3));
    }

    private static double Percentile(double[] sorted, double p) => Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 3);

    private static List<(Guid Incident, Guid Contact)> EventTargets(LocalOrgStore store, int count)
    {
        using var connection = store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT i.incidentid, i.customerid FROM incident i JOIN contact c ON c.contactid = i.customerid
            WHERE i.customeridtype = 'contact' AND c.statecode = 0 ORDER BY i.incidentid LIMIT $n
            """;
        command.Parameters.AddWithValue("$n", count);
        using var reader = command.ExecuteReader();
        var list = new List<(Guid, Guid)>();
        while (reader.Read())
            list.Add((Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1))));
        return list;
    }

    /// <summary>A distinct async Update of an incident (new operation id each time, so the ledger never short-cuts it).</summary>
    private static string Body((Guid Incident, Guid Contact) target) => $$$"""
        {"CorrelationId":"{{{Guid.NewGuid()}}}","Depth":1,"InputParameters":[{"key":"Target","value":{"__type":"Entity:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts",
         "Attributes":[{"key":"incidentid","value":"{{{target.Incident}}}"},{"key":"modifiedon","value":"\/Date(1793523600000)\/"}],"EntityState":null,
         "FormattedValues":[],"Id":"{{{target.Incident}}}","KeyAttributes":[],"LogicalName":"incident","RelatedEntities":[],"RowVersion":null}}],
         "MessageName":"Update","Mode":1,"OperationCreatedOn":"\/Date(1793523600000+0000)\/","OperationId":"{{{Guid.NewGuid()}}}",
         "PostEntityImages":[{"key":"PostImage","value":{"Attributes":[{"key":"customerid","value":{"__type":"EntityReference:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts",
           "Id":"{{{target.Contact}}}","KeyAttributes":[],"LogicalName":"contact","Name":null,"RowVersion":null}},{"key":"incidentid","value":"{{{target.Incident}}}"}],
           "EntityState":null,"FormattedValues":[],"Id":"{{{target.Incident}}}","KeyAttributes":[],"LogicalName":"incident","RelatedEntities":[],"RowVersion":null}}],
         "PreEntityImages":[],"PrimaryEntityId":"{{{target.Incident}}}","PrimaryEntityName":"incident","RequestId":"{{{Guid.NewGuid()}}}","SharedVariables":[],"Stage":40}
        """;

    /// <summary>Reads from the local org; writes to the local org and through the Web API store.</summary>
    private sealed class TeeStore(LocalOrgStore local, DataverseStore dataverse) : IRetentionStore
    {
        public string Kind => local.Kind;
        public Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) => local.LoadCustomerAsync(contactId, cancellationToken);
        public Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken) => local.LoadCustomersAsync(contactIds, cancellationToken);
        public Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken) => local.LoadOfferCatalogueAsync(cancellationToken);
        public Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken) => local.ListContactIdsAsync(activeOnly, cancellationToken);
        public Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken) => local.ListCustomersAsync(top, cancellationToken);
        public Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken) => local.ReadContactStatesAsync(contactIds, cancellationToken);
        public Task<RecommendationRecord?> FindRecommendationAsync(Guid contactId, Guid offerOrRecommendationId, CancellationToken cancellationToken) =>
            local.FindRecommendationAsync(contactId, offerOrRecommendationId, cancellationToken);
        public Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken) => local.ReadCustomerOfRecordAsync(table, id, cancellationToken);
        public Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken) => local.ApplyResponseAsync(response, cancellationToken);

        public async Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken)
        {
            await dataverse.EraseContactAsync(contactId, cancellationToken);
            return await local.EraseContactAsync(contactId, cancellationToken);
        }

        public async Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken)
        {
            await dataverse.RemoveMessageDerivedDataAsync(createdBefore, cancellationToken);
            return await local.RemoveMessageDerivedDataAsync(createdBefore, cancellationToken);
        }

        public async Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken)
        {
            await dataverse.ApplyAsync(changes, cancellationToken);
            return await local.ApplyAsync(changes, cancellationToken);
        }
    }

    /// <summary>Answers every $batch with one 204 per operation and counts the requests.</summary>
    private sealed class CountingWebApiHandler : HttpMessageHandler
    {
        private long _writes;

        public long WriteRequests => Interlocked.Read(ref _writes);

        public void Reset() => Interlocked.Exchange(ref _writes, 0);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Reads (an objection looks up the rows it erases) find nothing: the benchmark counts writes only.
            if (request.Method == HttpMethod.Get)
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"value\":[]}", Encoding.UTF8, "application/json") };
            Interlocked.Increment(ref _writes);
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var operations = body.Split("Content-ID:").Length - 1;
            var text = new StringBuilder();
            for (var i = 0; i < operations; i++)
                text.Append("--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n\r\n");
            text.Append("--b--\r\n");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(text.ToString()) };
        }
    }
}
