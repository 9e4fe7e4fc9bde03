using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Stores;

/// <summary>
/// The offer catalogue by id, as a store needs it to name the stored recommendations of a contact (every event reads a
/// contact's state). The catalogue changes a few times a year, so it is read at most once per <see cref="MaxAge"/>: an
/// offer added, renamed or retyped in the org shows in answers within that time, on the local org and on Dataverse alike.
/// Scoring reads the catalogue through one as well (<c>CustomerRescorer</c>). Safe for concurrent callers: a snapshot is
/// replaced whole, and two callers that find it stale at once may both read it.
/// </summary>
public sealed class OfferCatalogueCache(Func<CancellationToken, Task<IReadOnlyList<OfferRecord>>> load, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private volatile Snapshot? _snapshot;

    /// <summary>The catalogue by offer id.</summary>
    public async Task<IReadOnlyDictionary<Guid, OfferRecord>> GetAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).ById;

    /// <summary>The catalogue in the store's order (what scoring takes).</summary>
    public async Task<IReadOnlyList<OfferRecord>> ListAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).Offers;

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } current && now - current.ReadAt < MaxAge)
            return current;
        var offers = await load(cancellationToken);
        var fresh = new Snapshot(now, offers, offers.ToDictionary(o => o.Id));
        _snapshot = fresh;
        return fresh;
    }

    private sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyList<OfferRecord> Offers, IReadOnlyDictionary<Guid, OfferRecord> ById);
}
