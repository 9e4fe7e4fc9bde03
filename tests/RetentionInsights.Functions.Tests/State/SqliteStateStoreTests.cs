using RetentionInsights.Functions.State;

namespace RetentionInsights.Functions.Tests.State;

public sealed class SqliteStateStoreTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), "rtn-state-" + Guid.NewGuid().ToString("N") + ".db");

    [Fact]
    public async Task ListKeys_Prefix_ReturnsExactlyTheKeysThatStartWithIt()
    {
        var store = new SqliteStateStore(_db);
        foreach (var key in new[] { "event-contacts/a/1", "event-contacts/a/2", "event-contacts/a0", "event-contacts/ab/1", "event-contacts/a", "events/a/1" })
            Assert.True(await store.TryCreateAsync(key, "{}", CancellationToken.None));

        Assert.Equal(["event-contacts/a/1", "event-contacts/a/2"], await store.ListKeysAsync("event-contacts/a/", CancellationToken.None));
        Assert.Equal(6, (await store.ListKeysAsync("", CancellationToken.None)).Count);
        Assert.Empty(await store.ListKeysAsync("event-contacts/b/", CancellationToken.None));
    }

    [Fact]
    public async Task Writes_ManyAtOnce_AreCommittedTogetherWithEachCallerGettingItsOwnAnswer()
    {
        var store = new SqliteStateStore(_db);
        await store.TryCreateAsync("shared", "v0", CancellationToken.None);

        // 200 callers at once: distinct creates all succeed, racing creates of one key and racing replaces of one version
        // have exactly one winner each (the statements of a group still run one after another).
        var creates = Enumerable.Range(0, 100).Select(i => store.TryCreateAsync($"k/{i}", $"v{i}", CancellationToken.None)).ToList();
        var racingCreates = Enumerable.Range(0, 50).Select(_ => store.TryCreateAsync("race", "x", CancellationToken.None)).ToList();
        var racingReplaces = Enumerable.Range(0, 50).Select(i => store.TryReplaceAsync("shared", $"w{i}", "1", CancellationToken.None)).ToList();
        await Task.WhenAll(creates.Concat(racingCreates).Concat(racingReplaces));

        Assert.All(creates, t => Assert.True(t.Result));
        Assert.Equal(1, racingCreates.Count(t => t.Result));
        Assert.Equal(1, racingReplaces.Count(t => t.Result));
        Assert.Equal(100, (await store.ListKeysAsync("k/", CancellationToken.None)).Count);
        Assert.Equal("2", (await store.GetAsync("shared", CancellationToken.None))!.Version);
        Assert.Equal("v42", (await new SqliteStateStore(_db).GetAsync("k/42", CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task Put_CreatesOrReplacesWhateverTheVersion_AndAReplaceAtTheOldVersionThenLoses()
    {
        var store = new SqliteStateStore(_db);
        await store.TryCreateAsync("existing", "v1", CancellationToken.None);

        await store.PutAsync([new("existing", "v2"), new("new", "n1")], CancellationToken.None);

        var existing = (await store.GetAsync("existing", CancellationToken.None))!;
        Assert.Equal(("v2", "2"), (existing.Value, existing.Version));
        Assert.Equal(("n1", "1"), ((await store.GetAsync("new", CancellationToken.None))!.Value, (await store.GetAsync("new", CancellationToken.None))!.Version));
        Assert.False(await store.TryReplaceAsync("existing", "stale", "1", CancellationToken.None));
        Assert.True(await store.TryReplaceAsync("existing", "v3", "2", CancellationToken.None));
    }

    [Fact]
    public async Task Put_OfSeveralDocuments_IsOneTransaction_NoneWrittenWhenOneFails()
    {
        var store = new SqliteStateStore(_db);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_db}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // A trigger that rejects one key makes the second document of the write fail.
            command.CommandText = "CREATE TRIGGER reject BEFORE INSERT ON rtn_service_state WHEN NEW.key = 'bad' BEGIN SELECT RAISE(ABORT, 'rejected'); END";
            command.ExecuteNonQuery();
        }

        await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => store.PutAsync([new("good", "g"), new("bad", "b")], CancellationToken.None));

        Assert.Null(await store.GetAsync("good", CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_db)!, Path.GetFileName(_db) + "*"))
            File.Delete(file);
    }
}
