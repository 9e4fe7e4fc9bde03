using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace RetentionInsights.Functions.State;

/// <summary>State documents as blobs; the blob ETag is the version, conditional uploads give compare-and-swap.</summary>
public sealed class BlobStateStore(BlobContainerClient container) : IStateStore
{
    private int _created;

    public async Task<StateEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        try
        {
            var result = await container.GetBlobClient(key).DownloadContentAsync(cancellationToken);
            return new StateEntry(key, result.Value.Content.ToString(), result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> TryCreateAsync(string key, string value, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        try
        {
            await container.GetBlobClient(key).UploadAsync(BinaryData.FromString(value),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    public async Task<bool> TryReplaceAsync(string key, string value, string expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(key).UploadAsync(BinaryData.FromString(value),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(expectedVersion) } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    public async Task PutAsync(IReadOnlyList<KeyValuePair<string, string>> documents, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        foreach (var (key, value) in documents)
            await container.GetBlobClient(key).UploadAsync(BinaryData.FromString(value), overwrite: true, cancellationToken);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        var keys = new List<string>();
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            keys.Add(item.Name);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 1)
            return;
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        Volatile.Write(ref _created, 1);
    }
}
