using RetentionInsights.Scoring.Models;

namespace RetentionInsights.Functions.Models;

/// <summary>
/// A model store in a local folder (the `--models DIR` of the CLI and the local service):
/// <c>DIR/&lt;version&gt;/model.zip</c>, <c>DIR/&lt;version&gt;/metadata.json</c>, and <c>DIR/champion.txt</c> listing the champion first, then earlier champions.
/// Writes go to a temporary name first and are moved into place, so a crash never leaves a half-written version or pointer.
/// </summary>
public sealed class LocalFolderModelStore : IModelStore
{
    public const string ModelFileName = "model.zip";
    public const string MetadataFileName = "metadata.json";
    private const string ChampionFileName = "champion.txt";

    private readonly string _root;

    /// <summary>Marks a version being written (<see cref="SaveCandidateAsync"/>): never a version, removed when abandoned.</summary>
    public const string StagingMarker = ".tmp-";

    /// <summary>A staging folder older than this belongs to a run that was killed (writing one takes seconds).</summary>
    public static readonly TimeSpan AbandonedStagingAge = TimeSpan.FromMinutes(10);

    public LocalFolderModelStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
        RemoveAbandonedStaging();
    }

    /// <summary>Deletes staging folders a killed training left behind; returns how many.</summary>
    public int RemoveAbandonedStaging()
    {
        var removed = 0;
        foreach (var directory in Directory.EnumerateDirectories(_root, "*" + StagingMarker + "*"))
        {
            if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(directory) < AbandonedStagingAge)
                continue;
            try
            {
                Directory.Delete(directory, recursive: true);
                removed++;
            }
            catch (IOException)
            {
                // Another process is cleaning up the same folder; it is gone either way.
            }
        }
        return removed;
    }

    public string Root => _root;

    public string VersionDirectory(string version) => Path.Combine(_root, CheckVersion(version));

    public async Task<IReadOnlyList<ModelMetadata>> ListAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<ModelMetadata>();
        foreach (var directory in Directory.EnumerateDirectories(_root))
        {
            // A half-written candidate (a training killed before its move into place) is not a version.
            if (Path.GetFileName(directory).Contains(StagingMarker, StringComparison.Ordinal))
                continue;
            var metadataPath = Path.Combine(directory, MetadataFileName);
            if (!File.Exists(metadataPath))
                continue;
            try
            {
                await using var stream = File.OpenRead(metadataPath);
                list.Add(await ModelMetadata.ReadAsync(stream, cancellationToken));
            }
            catch (System.Text.Json.JsonException)
            {
                // A damaged metadata file makes that version invisible rather than breaking every listing.
            }
        }
        return list.OrderByDescending(m => m.TrainedOn).ThenByDescending(m => m.Version, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<string>> GetPromotionHistoryAsync(CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(_root, ChampionFileName);
        if (!File.Exists(path))
            return [];
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        return lines.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    public Task<Stream> OpenModelAsync(string version, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(VersionDirectory(version), ModelFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Model version '{version}' has no {ModelFileName} in {_root}.", path);
        return Task.FromResult<Stream>(File.OpenRead(path));
    }

    public async Task SaveCandidateAsync(ModelMetadata metadata, Stream model, CancellationToken cancellationToken = default)
    {
        var directory = VersionDirectory(metadata.Version);
        if (Directory.Exists(directory))
            throw new IOException($"Model version '{metadata.Version}' already exists in {_root}.");
        var staging = directory + StagingMarker + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(staging);
        await using (var file = File.Create(Path.Combine(staging, ModelFileName)))
            await model.CopyToAsync(file, cancellationToken);
        await using (var file = File.Create(Path.Combine(staging, MetadataFileName)))
            await metadata.WriteAsync(file, cancellationToken);
        Directory.Move(staging, directory);
    }

    public async Task PromoteAsync(string version, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(VersionDirectory(version), MetadataFileName)))
            throw new FileNotFoundException($"Cannot promote unknown model version '{version}'.");
        var history = await GetPromotionHistoryAsync(cancellationToken);
        var path = Path.Combine(_root, ChampionFileName);
        var temp = path + ".tmp";
        await File.WriteAllLinesAsync(temp, new[] { version }.Concat(history.Where(v => v != version)), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    public async Task SaveAttachmentAsync(string version, string name, Stream content, CancellationToken cancellationToken = default)
    {
        if (name.IndexOfAny(['/', '\\']) >= 0 || name is MetadataFileName or ModelFileName)
            throw new ArgumentException($"Invalid attachment name '{name}'.", nameof(name));
        await using var file = File.Create(Path.Combine(VersionDirectory(version), name));
        await content.CopyToAsync(file, cancellationToken);
    }

    private static string CheckVersion(string version)
    {
        if (string.IsNullOrWhiteSpace(version) || version.IndexOfAny(['/', '\\', ':']) >= 0 || version.StartsWith('.'))
            throw new ArgumentException($"Invalid model version '{version}'.", nameof(version));
        return version;
    }
}
