using System.Collections;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// The snapshot's histories by contact id, each kept as its compact binary record (<see cref="SnapshotFormat.Encode"/>)
/// rather than as an object graph: a history is a few hundred small objects, and an org of 400,000 contacts held as objects
/// takes several times the memory of the same records as bytes. A history is decoded when it is asked for (the rescore
/// decodes each contact once a night, in the chunk that scores it) and encoded when it is replaced. The bytes are what the
/// snapshot file stores, so loading and saving copy them without decoding. Like a dictionary, not thread-safe: the
/// callers lock (see <see cref="SnapshotRetentionStore"/>); the byte arrays themselves are never changed, only replaced.
/// </summary>
public sealed class SnapshotHistories : IEnumerable<KeyValuePair<Guid, CustomerHistory>>
{
    private readonly Dictionary<Guid, byte[]> _encoded = [];

    public int Count => _encoded.Count;

    public IEnumerable<Guid> Keys => _encoded.Keys;

    /// <summary>Every history, decoded one at a time.</summary>
    public IEnumerable<CustomerHistory> Values => _encoded.Values.Select(SnapshotFormat.Decode);

    public CustomerHistory this[Guid contactId]
    {
        get => SnapshotFormat.Decode(_encoded[contactId]);
        set => _encoded[contactId] = SnapshotFormat.Encode(value);
    }

    public bool ContainsKey(Guid contactId) => _encoded.ContainsKey(contactId);

    public bool TryGetValue(Guid contactId, out CustomerHistory history)
    {
        history = _encoded.TryGetValue(contactId, out var bytes) ? SnapshotFormat.Decode(bytes) : null!;
        return history is not null;
    }

    public bool Remove(Guid contactId, out CustomerHistory history)
    {
        history = _encoded.Remove(contactId, out var bytes) ? SnapshotFormat.Decode(bytes) : null!;
        return history is not null;
    }

    /// <summary>The stored bytes of a contact's history (decode them outside the callers' lock).</summary>
    public byte[]? Encoded(Guid contactId) => _encoded.GetValueOrDefault(contactId);

    /// <summary>Stores a history already encoded (read from the file, or encoded outside the callers' lock).</summary>
    public void SetEncoded(Guid contactId, byte[] bytes) => _encoded[contactId] = bytes;

    /// <summary>Every contact's stored bytes, in the order they were added.</summary>
    public IEnumerable<KeyValuePair<Guid, byte[]>> AllEncoded => _encoded;

    public void EnsureCapacity(int capacity) => _encoded.EnsureCapacity(capacity);

    public IEnumerator<KeyValuePair<Guid, CustomerHistory>> GetEnumerator() =>
        _encoded.Select(kv => KeyValuePair.Create(kv.Key, SnapshotFormat.Decode(kv.Value))).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
