namespace RetentionInsights.Functions.Stores;

public static class StoreExtensions
{
    public static async Task<ContactState?> ReadContactStateAsync(this IRetentionStore store, Guid contactId, CancellationToken cancellationToken) =>
        (await store.ReadContactStatesAsync([contactId], cancellationToken)).FirstOrDefault();
}
