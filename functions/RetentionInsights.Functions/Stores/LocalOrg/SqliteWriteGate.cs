using System.Collections.Concurrent;

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

    /// <summary>What a connection waits inside SQLite when another process holds the lock (milliseconds, fine-grained).</summary>
    public const int BusyTimeoutMs = 30_000;
}
