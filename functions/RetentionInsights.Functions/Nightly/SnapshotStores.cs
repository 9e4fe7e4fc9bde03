using Azure;
using Azure.Storage.Blobs;

namespace RetentionInsights.Functions.Nightly;

/// <summary>Where the feature snapshot is kept: beside the models (a folder locally, the models' Blob container in Azure).</summary>
public interface ISnapshotStore
{
    /// <summary>The stored snapshot, or null when there is none (or it is of an older format: then it is rebuilt).</summary>
    Task<FeatureSnapshot?> LoadAsync(CancellationToken cancellationToken);

    Task SaveAsync(FeatureSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>Size of the stored snapshot in bytes (0 when none), for reports.</summary>
    Task<long> SizeAsync(CancellationToken cancellationToken);
}

/// <summary><c>DIR/snapshots/feature-snapshot.bin</c>, written to a temporary name and moved into place (never half-written).</summary>
public sealed class LocalFolderSnapshotStore(string modelsRoot) : ISnapshotStore
{
    public const string FileName = "feature-snapshot.bin";

    public string FilePath { get; } = Path.Combine(Path.GetFullPath(modelsRoot), "snapshots", FileName);

    public async Task<FeatureSnapshot?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
            return null;
        await using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return SnapshotFormat.Read(stream);
    }

    public async Task SaveAsync(FeatureSnapshot snapshot, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var temporary = FilePath + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            SnapshotFormat.Write(snapshot, stream);
        File.Move(temporary, FilePath, overwrite: true);
    }

    public Task<long> SizeAsync(CancellationToken cancellationToken) => Task.FromResult(File.Exists(FilePath) ? new FileInfo(FilePath).Length : 0L);
}

/// <summary>The snapshot as one block blob in the models' container (<c>snapshots/feature-snapshot.bin</c>).</summary>
public sealed class BlobSnapshotStore(BlobContainerClient container) : ISnapshotStore
{
    public const string BlobName = "snapshots/" + LocalFolderSnapshotStore.FileName;

    public async Task<FeatureSnapshot?> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await container.GetBlobClient(BlobName).OpenReadAsync(cancellationToken: cancellationToken);
            return SnapshotFormat.Read(stream);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task SaveAsync(FeatureSnapshot snapshot, CancellationToken cancellationToken)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        // Staged in a temporary file: the upload then commits the block list in one step, so readers see old or new.
        var temporary = Path.GetTempFileName();
        try
        {
            await using (var stream = File.Create(temporary))
                SnapshotFormat.Write(snapshot, stream);
            await container.GetBlobClient(BlobName).UploadAsync(temporary, overwrite: true, cancellationToken);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<long> SizeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await container.GetBlobClient(BlobName).GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return 0;
        }
    }
}
