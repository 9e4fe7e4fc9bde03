using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Functions.Models;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Tests.Support;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Tests.Pipeline;

/// <summary>The service runs the same pipeline as the command line: the same sentiment input and the same training path.</summary>
[Collection(ServiceTests.Name)]
public sealed class OnePipelineTests(ServiceFixture fixture)
{
    /// <summary>Records what the service asks a sentiment analyzer to read.</summary>
    private sealed class RecordingAnalyzer : ISentimentAnalyzer
    {
        public ConcurrentBag<string> Texts { get; } = [];

        public ValueTask<IReadOnlyList<SentimentResult>> AnalyzeAsync(IReadOnlyList<SentimentDocument> documents, CancellationToken cancellationToken = default)
        {
            foreach (var d in documents)
                Texts.Add(d.Text);
            return ValueTask.FromResult<IReadOnlyList<SentimentResult>>(documents.Select(d => new SentimentResult(d.Id, 0, "en", "neutral")).ToList());
        }
    }

    [Fact]
    public async Task Rescore_InboundMessageWithSubjectAndBody_SentimentReadsBoth()
    {
        var db = fixture.CopyOrg();
        var contactId = OrgSql.Scalar<string>(db, "SELECT contactid FROM contact WHERE statecode = 0 ORDER BY contactid LIMIT 1")!;
        OrgSql.Execute(db, """
            INSERT INTO email (activityid, regardingobjectid, regardingobjectidtype, directioncode, subject, description, actualend, createdon, statecode)
            VALUES ($id, $contact, 'contact', 0, 'Formal complaint', 'See my earlier letter.', '2026-10-28T09:00:00Z', '2026-10-28T09:00:00Z', 1)
            """, ("$id", Guid.NewGuid().ToString("D")), ("$contact", contactId));
        var analyzer = new RecordingAnalyzer();
        using var app = new TestApp(fixture, new() { ["Retention:LocalOrgPath"] = db }, services => services.AddSingleton<ISentimentAnalyzer>(analyzer));

        await app.Services.GetRequiredService<CustomerRescorer>().RescoreAsync(Guid.Parse(contactId), CancellationToken.None);

        // The subject carries the signal here; the model was trained on subject and body, so scoring must read both.
        Assert.Contains(analyzer.Texts, t => t.Contains("Formal complaint", StringComparison.Ordinal) && t.Contains("See my earlier letter.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServiceTraining_WithAChampion_ScoresTheChampionOnTheChallengersHoldout()
    {
        var models = fixture.CopyModels();
        using var app = new TestApp(fixture, models: models);

        var status = await app.Services.GetRequiredService<ModelTrainingService>().RunAsync(CancellationToken.None);

        Assert.Equal("completed", status.State);
        var candidate = (await new LocalFolderModelStore(models).ListAsync()).Single(m => m.Version == status.CandidateVersion);
        Assert.True(candidate.Metrics.ContainsKey(ModelRegistry.SameHoldoutChampionAuc),
            "the challenger was not compared with the champion on the same holdout");
    }
}
