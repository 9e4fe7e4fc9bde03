namespace RetentionInsights.Functions.Scoring;

/// <summary>
/// One async lock per contact, so the read → diff → write of a contact is never interleaved with another in this process
/// (webhook events, batch chunks, live refreshes and offer responses). Two rescores that read the same state and both
/// decide "create" would otherwise write the top 3 twice. Locks of many contacts are taken in id order, so a batch chunk and
/// an event never wait on each other in a cycle. Entries live only while someone holds or waits for them.
/// </summary>
public sealed class ContactLocks
{
    private readonly Dictionary<Guid, Entry> _entries = [];

    /// <summary>Holds the locks of <paramref name="contactIds"/> until the result is disposed.</summary>
    public async Task<IDisposable> AcquireAsync(IEnumerable<Guid> contactIds, CancellationToken cancellationToken)
    {
        var ids = contactIds.Distinct().Order().ToList();
        var held = new List<(Guid Id, Entry Entry)>(ids.Count);
        try
        {
            foreach (var id in ids)
            {
                var entry = Reference(id);
                try
                {
                    await entry.Gate.WaitAsync(cancellationToken);
                }
                catch
                {
                    Dereference(id, entry);
                    throw;
                }
                held.Add((id, entry));
            }
        }
        catch
        {
            Release(held);
            throw;
        }
        return new Lease(this, held);
    }

    /// <summary>Contacts currently locked or waited for (diagnostics and tests: it returns to 0 when idle).</summary>
    public int Count
    {
        get
        {
            lock (_entries)
                return _entries.Count;
        }
    }

    private Entry Reference(Guid id)
    {
        lock (_entries)
        {
            if (!_entries.TryGetValue(id, out var entry))
                _entries[id] = entry = new Entry();
            entry.References++;
            return entry;
        }
    }

    private void Dereference(Guid id, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.References == 0)
                _entries.Remove(id);
        }
    }

    private void Release(List<(Guid Id, Entry Entry)> held)
    {
        for (var i = held.Count - 1; i >= 0; i--)
        {
            held[i].Entry.Gate.Release();
            Dereference(held[i].Id, held[i].Entry);
        }
        held.Clear();
    }

    private sealed class Entry
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int References;
    }

    private sealed class Lease(ContactLocks owner, List<(Guid Id, Entry Entry)> held) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.Release(held);
        }
    }
}
