using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using RetentionInsights.Scoring.Models;

namespace RetentionInsights.Functions.Models;

/// <summary>
/// Model versions in a Blob container: <c>versions/&lt;v&gt;/model.zip</c>, <c>versions/&lt;v&gt;/metadata.json</c> and
/// <c>champion.json</c> holding the promotion history (current champion first). Versions are written create-only; the
/// history is replaced only if its ETag is still the one read, so two trainers promoting at the same time never lose a
/// promotion or leave a pointer to a half-written version (the model is uploaded before its metadata, and only versions
/// with metadata can be promoted).
/// </summary>
public sealed class BlobModelStore(BlobContainerClient container) : IModelStore
{
    public const string ChampionBlobName = "champion.json";
    private const string VersionsPrefix = "versions/";
    private const int MaxPromotionAttempts = 20;
    private int _created;

    public async Task<IReadOnlyList<ModelMetadata>> ListAsync(CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var list = new List<ModelMetadata>();
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = VersionsPrefix }, cancellationToken))
        {
            if (!item.Name.EndsWith("/" + LocalFolderModelStore.MetadataFileName, StringComparison.Ordinal))
                continue;
            try
            {
                var content = await container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken);
                list.Add(ModelMetadata.FromJson(content.Value.Content.ToString()));
            }
            catch (Exception e) when (e is JsonException or InvalidDataException)
            {
                // A damaged metadata blob hides that version rather than breaking every listing (same as the folder store).
            }
        }
        return list.OrderByDescending(m => m.TrainedOn).ThenByDescending(m => m.Version, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<string>> GetPromotionHistoryAsync(CancellationToken cancellationToken = default) =>
        (await ReadHistoryAsync(cancellationToken)).History;

    public async Task<Stream> OpenModelAsync(string version, CancellationToken cancellationToken = default)
    {
        try
        {
            var download = await container.GetBlobClient(ModelName(version)).DownloadStreamingAsync(cancellationToken: cancellationToken);
            // Buffer so ML.NET can seek; model zips are a few MB.
            var buffer = new MemoryStream();
            await download.Value.Content.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            return buffer;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"Model version '{version}' has no {LocalFolderModelStore.ModelFileName} in container {container.Name}.", e);
        }
    }

    public async Task SaveCandidateAsync(ModelMetadata metadata, Stream model, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken);
        var createOnly = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        try
        {
            await container.GetBlobClient(ModelName(metadata.Version)).UploadAsync(model, createOnly, cancellationToken);
            await container.GetBlobClient(MetadataName(metadata.Version)).UploadAsync(BinaryData.FromString(metadata.ToJson()), createOnly, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new IOException($"Model version '{metadata.Version}' already exists in container {container.Name}.", e);
        }
    }

    public async Task PromoteAsync(string version, CancellationToken cancellationToken = default)
    {
        if (!await container.GetBlobClient(MetadataName(version)).ExistsAsync(cancellationToken))
            throw new FileNotFoundException($"Cannot promote unknown model version '{version}'.");
        for (var attempt = 0; attempt < MaxPromotionAttempts; attempt++)
        {
            var current = await ReadHistoryAsync(cancellationToken);
            var history = new List<string> { version };
            history.AddRange(current.History.Where(v => v != version));
            if (await TryWriteHistoryAsync(history, current.ETag, cancellationToken))
                return;
            // Lost a race to another promotion: back off a little (jittered) and rebuild on the newer history.
            await Task.Delay(TimeSpan.FromMilliseconds(20 + Random.Shared.Next(80) * (attempt + 1)), cancellationToken);
        }
        throw new IOException($"Promotion of '{version}' lost {MaxPromotionAttempts} races for {ChampionBlobName}; try again.");
    }

    /// <summary>
    /// Promotes only if the champion is still <paramref name="expectedChampion"/> (compare-and-swap on the ETag): a trainer
    /// that compared against champion A must not replace champion B promoted meanwhile by another trainer.
    /// </summary>
    public async Task<bool> TryPromoteIfChampionAsync(string version, string? expectedChampion, CancellationToken cancellationToken = default)
    {
        var current = await ReadHistoryAsync(cancellationToken);
        if (!string.Equals(current.History.FirstOrDefault(), expectedChampion, StringComparison.Ordinal))
            return false;
        var history = new List<string> { version };
        history.AddRange(current.History.Where(v => v != version));
        return await TryWriteHistoryAsync(history, current.ETag, cancellationToken);
    }

    public async Task SaveAttachmentAsync(string version, string name, Stream content, CancellationToken cancellationToken = default)
    {
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is LocalFolderModelStore.MetadataFileName or LocalFolderModelStore.ModelFileName)
            throw new ArgumentException($"Invalid attachment name '{name}'.", nameof(name));
        await container.GetBlobClient($"{VersionsPrefix}{CheckVersion(version)}/{name}").UploadAsync(content, overwrite: true, cancellationToken);
    }

    private async Task<(IReadOnlyList<string> History, ETag? ETag)> ReadHistoryAsync(CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        try
        {
            var content = await container.GetBlobClient(ChampionBlobName).DownloadContentAsync(cancellationToken);
            var document = JsonSerializer.Deserialize<PromotionHistory>(content.Value.Content.ToString(), ModelMetadata.JsonOptions);
            return (document?.History ?? [], content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return ([], null);
        }
    }

    private async Task<bool> TryWriteHistoryAsync(IReadOnlyList<string> history, ETag? etag, CancellationToken cancellationToken)
    {
        var conditions = etag is { } tag ? new BlobRequestConditions { IfMatch = tag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            var json = JsonSerializer.Serialize(new PromotionHistory(history, DateTime.UtcNow), ModelMetadata.JsonOptions);
            await container.GetBlobClient(ChampionBlobName).UploadAsync(BinaryData.FromString(json), new BlobUploadOptions { Conditions = conditions }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 1)
            return;
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        Volatile.Write(ref _created, 1);
    }

    private static string ModelName(string version) => $"{VersionsPrefix}{CheckVersion(version)}/{LocalFolderModelStore.ModelFileName}";

    private static string MetadataName(string version) => $"{VersionsPrefix}{CheckVersion(version)}/{LocalFolderModelStore.MetadataFileName}";

    private static string CheckVersion(string version)
    {
        if (string.IsNullOrWhiteSpace(version) || version.IndexOfAny(['/', '\\', ':', '?', '#']) >= 0 || version.StartsWith('.'))
            throw new ArgumentException($"Invalid model version '{version}'.", nameof(version));
        return version;
    }

    private sealed record PromotionHistory(IReadOnlyList<string> History, DateTime UpdatedOn);
}
