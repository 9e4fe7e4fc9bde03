using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Stores;

/// <summary>
/// The offer catalogue by id, as a store needs it to name the stored recommendations of a contact (every event reads a
/// contact's state). The catalogue changes a few times a year, so it is read at most once per <see cref="MaxAge"/>: an
/// offer added, renamed or retyped in the org shows in answers within that time, on the local org and on Dataverse alike.
/// Scoring reads the catalogue on the same schedule (<c>CustomerRescorer</c>). Safe for concurrent callers: a snapshot is
/// replaced whole, and two callers that find it stale at once may both read it.
/// </summary>
public sealed class OfferCatalogueCache(Func<CancellationToken, Task<IReadOnlyList<OfferRecord>>> load, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private volatile Snapshot? _snapshot;

    public async Task<IReadOnlyDictionary<Guid, OfferRecord>> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } current && now - current.ReadAt < MaxAge)
            return current.Offers;
        var offers = (await load(cancellationToken)).ToDictionary(o => o.Id);
        _snapshot = new Snapshot(now, offers);
        return offers;
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyDictionary<Guid, OfferRecord> Offers);
}
