namespace RetentionInsights.Functions.Events;

/// <summary>
/// At most <see cref="Limit"/> webhook events are processed at once; the others wait in arrival order. On the local org an
/// event's work (SQLite reads and writes, the engine) is CPU-bound: with more events in flight than cores, the thread pool
/// shares the cores among them in no particular order, and an unlucky event waits for many that arrived after it. In line,
/// an event waits for those ahead of it only, so its latency is its queue position times the time of an event. The gate
/// only orders events; each contact's lock and the ledger still serialise what they serialise.
/// </summary>
public sealed class EventAdmission
{
    private readonly SemaphoreSlim? _slots;

    /// <param name="limit">Events processed at once; 0 admits every event at once (no line).</param>
    public EventAdmission(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        Limit = limit;
        if (limit > 0)
            _slots = new SemaphoreSlim(limit, limit);
    }

    /// <summary>Events processed at once (0: no limit).</summary>
    public int Limit { get; }

    /// <summary>Waits for a slot (SemaphoreSlim hands slots to its waiters first come, first served) and holds it until disposed.</summary>
    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots is null)
            return default;
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public readonly struct Slot(SemaphoreSlim? slots) : IDisposable
    {
        public void Dispose() => slots?.Release();
    }
}
