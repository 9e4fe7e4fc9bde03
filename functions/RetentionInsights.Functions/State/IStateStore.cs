namespace RetentionInsights.Functions.State;

/// <summary>A stored document and the version it had when read (an ETag in Blob storage, a counter in SQLite).</summary>
public sealed record StateEntry(string Key, string Value, string Version);

/// <summary>
/// Small durable documents with optimistic concurrency: the event ledger (idempotency) and batch checkpoints live here.
/// A SQLite table in the local org locally, a Blob container in Azure. Writes succeed only if the document is still at
/// the version the writer read (or, for a create, does not exist yet), so two workers never both "win".
/// </summary>
public interface IStateStore
{
    Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Creates the document; false when it already exists.</summary>
    Task<bool> TryCreateAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>Replaces the document if it is still at <paramref name="expectedVersion"/>; false otherwise.</summary>
    Task<bool> TryReplaceAsync(string key, string value, string expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces each document whatever its version (the last writer wins), in order. SQLite commits them in one
    /// transaction; Blob storage writes them one after the other.
    /// </summary>
    Task PutAsync(IReadOnlyList<KeyValuePair<string, string>> documents, CancellationToken cancellationToken);

    /// <summary>Removes the document if it exists (erasure of a person's entries, retention).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keys starting with <paramref name="prefix"/>, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken);
}
