using Microsoft.Data.Sqlite;
using RetentionInsights.Data.Generation;
using RetentionInsights.Data.Reading;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Sentiment;
using RetentionInsights.Functions.Models;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>
/// One generated local org and one champion model trained on it, shared by the tests of a run (generation and training
/// take seconds; every test then works on its own copy of the database).
/// </summary>
public sealed class ServiceFixture : IDisposable
{
    public static readonly DateTime AsOf = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
    public const int Contacts = 1500;

    public ServiceFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "rtn-service-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        TemplateDb = Path.Combine(Root, "template.db");
        OrgGenerator.Generate(TemplateDb, new GeneratorOptions { Contacts = Contacts, Seed = 23, Until = AsOf });
        ModelsPath = Path.Combine(Root, "models");
        var data = new LocalOrgReader().ReadAll(TemplateDb);
        var sentiment = MessageSentiment.ComputeAsync(new OfflineSentimentAnalyzer(), data.Histories).GetAwaiter().GetResult();
        var result = EngineTrainer.Train(data.Histories, data.Offers, new TrainingOptions { AsOf = AsOf, Version = "test-champion" }, sentiment);
        using var zip = new MemoryStream();
        result.Model.Save(zip);
        zip.Position = 0;
        var store = new LocalFolderModelStore(ModelsPath);
        ModelRegistry.SaveAndPromoteAsync(store, result.Metadata, zip).GetAwaiter().GetResult();
        ChampionVersion = result.Metadata.Version;
        SqliteConnection.ClearAllPools();
    }

    public string Root { get; }
    public string TemplateDb { get; }
    public string ModelsPath { get; }
    public string ChampionVersion { get; }

    /// <summary>A private copy of the generated org for one test.</summary>
    public string CopyOrg()
    {
        var path = Path.Combine(Root, "org-" + Guid.NewGuid().ToString("N") + ".db");
        File.Copy(TemplateDb, path);
        return path;
    }

    /// <summary>An empty model folder (no champion) for tests of the untrained state.</summary>
    public string EmptyModels()
    {
        var path = Path.Combine(Root, "models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A private copy of the model folder with its champion, for a test that adds to it (a snapshot, a challenger).</summary>
    public string CopyModels()
    {
        var models = EmptyModels();
        foreach (var file in Directory.EnumerateFiles(ModelsPath, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(models, Path.GetRelativePath(ModelsPath, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return models;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceTests : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
