using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Stores;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>The real store behind a test's wrapper: every call goes to <paramref name="inner"/> unless the wrapper overrides it.</summary>
public abstract class DelegatingStore(IRetentionStore inner) : IRetentionStore
{
    public string Kind => inner.Kind;
    public virtual Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) => inner.LoadCustomerAsync(contactId, cancellationToken);
    public virtual Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken) => inner.LoadCustomersAsync(contactIds, cancellationToken);
    public virtual Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken) => inner.LoadOfferCatalogueAsync(cancellationToken);
    public virtual Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken) => inner.ListContactIdsAsync(activeOnly, cancellationToken);
    public virtual Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken) => inner.ListCustomersAsync(top, cancellationToken);
    public virtual Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken) => inner.ReadContactStatesAsync(contactIds, cancellationToken);
    public virtual Task<RecommendationRecord?> FindRecommendationAsync(Guid contactId, Guid offerOrRecommendationId, CancellationToken cancellationToken) => inner.FindRecommendationAsync(contactId, offerOrRecommendationId, cancellationToken);
    public virtual Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken) => inner.ReadCustomerOfRecordAsync(table, id, cancellationToken);
    public virtual Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken) => inner.ApplyAsync(changes, cancellationToken);
    public virtual Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken) => inner.ApplyResponseAsync(response, cancellationToken);
    public virtual Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken) => inner.EraseContactAsync(contactId, cancellationToken);
    public virtual Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken) => inner.RemoveMessageDerivedDataAsync(createdBefore, cancellationToken);
}

public static class StoreDecoration
{
    /// <summary>Replaces the registered store by <paramref name="wrap"/> around it.</summary>
    public static void DecorateStore(this IServiceCollection services, Func<IRetentionStore, IRetentionStore> wrap)
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(IRetentionStore));
        services.Remove(descriptor);
        services.AddSingleton(sp => wrap((IRetentionStore)descriptor.ImplementationFactory!(sp)));
    }
}
