using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace RetentionInsights.Functions.Stores.LocalOrg;

/// <summary>
/// The one writer of a SQLite file in this process. The local org's writes and the service state (event ledger, batch
/// checkpoints) share a file; SQLite allows one writer at a time, and two writers that collide fall into busy retries
/// (which cost whole sleep intervals). Every write to the file waits here instead, so they queue rather than collide.
/// </summary>
public static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static SemaphoreSlim For(string path) => Gates.GetOrAdd(Path.GetFullPath(path), _ => new SemaphoreSlim(1, 1));

    /// <summary>
    /// Run on every connection the service opens (these settings belong to the connection, not the file).
    /// busy_timeout: a connection waits up to 30 s inside SQLite (fine-grained) while another process holds the lock.
    /// synchronous=NORMAL in WAL mode, the local org's own setting: a commit appends to the write-ahead log without
    /// waiting for the disk; the log is synced at checkpoints. A killed process loses no commit. A power cut can lose the
    /// last commits but never consistency: their contacts are rescored by the next event or the nightly run, and an event
    /// whose ledger entry was lost is processed again if redelivered (writing only what differs). With FULL, the default,
    /// every commit waited for the disk inside the write gate, and an event commits twice (its claim; its outcome with the index entry).
    /// wal_autocheckpoint=0: a commit never runs the checkpoint itself (see <see cref="CheckpointEvery"/>).
    /// </summary>
    public const string ConnectionPragmas = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;";

    /// <summary>
    /// How often the write-ahead log is copied into the database file, in the background. SQLite's default runs that
    /// checkpoint inside whichever commit finds the log over 1,000 pages: that commit copies the pages and waits for the
    /// disk while holding the write gate, and every event queued behind it waits too (the slowest 1 % of events at 4 and 16
    /// at once were those). Instead, opening a connection starts a passive checkpoint on the thread pool when the last one
    /// started this long ago and is finished; a passive checkpoint blocks neither readers nor the writer. When the service is
    /// idle no checkpoint runs, and the last connection to close checkpoints the log as SQLite always does.
    /// </summary>
    public static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(1);

    private sealed class CheckpointState(long started)
    {
        public long LastStarted = started;
        public int Running;
    }

    private static readonly ConcurrentDictionary<string, CheckpointState> Checkpoints = new(StringComparer.Ordinal);

    /// <summary>SQLite handles that already run with <see cref="ConnectionPragmas"/> (a pooled connection keeps its handle).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = [];

    /// <summary>
    /// Opens a pooled connection of the service with <see cref="ConnectionPragmas"/>, run once per underlying handle rather
    /// than on every open: an event opens several connections, and each parse and run of the pragmas cost as much as a small query.
    /// </summary>
    public static SqliteConnection Open(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        CheckpointIfDue(connectionString, connection.DataSource);
        if (Configured.TryGetValue(connection.Handle!, out _))
            return connection;
        using var pragma = connection.CreateCommand();
        pragma.CommandText = ConnectionPragmas;
        pragma.ExecuteNonQuery();
        Configured.AddOrUpdate(connection.Handle!, Configured);
        return connection;
    }

    private static void CheckpointIfDue(string connectionString, string file)
    {
        if (file.Length == 0)
            return; // an in-memory database has no log
        var state = Checkpoints.GetOrAdd(file, _ => new CheckpointState(System.Diagnostics.Stopwatch.GetTimestamp()));
        if (System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref state.LastStarted)) < CheckpointEvery
            || Interlocked.CompareExchange(ref state.Running, 1, 0) != 0)
            return;
        Volatile.Write(ref state.LastStarted, System.Diagnostics.Stopwatch.GetTimestamp());
        _ = Task.Run(() =>
        {
            try
            {
                using var connection = new SqliteConnection(connectionString);
                connection.Open();
                using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Nothing is lost: the log keeps every commit, and the next checkpoint copies it.
            }
            finally
            {
                Volatile.Write(ref state.Running, 0);
            }
        });
    }
}
