namespace RetentionInsights.Scoring.Models;

/// <summary>
/// Where trained model versions live: a folder locally (<see cref="LocalFolderModelStore"/>), a Blob container in Azure.
/// A version is two artifacts: the ML.NET model zip and its <see cref="ModelMetadata"/> JSON. Exactly one version is the
/// champion (the one scoring uses); every other saved version is a candidate or a former champion kept for fallback.
/// Implementations only move bytes; the promotion rule lives in <see cref="ModelRegistry"/> so every store behaves alike.
/// </summary>
public interface IModelStore
{
    /// <summary>Every saved version, newest trained first.</summary>
    Task<IReadOnlyList<ModelMetadata>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Versions that have been champion, most recent promotion first (so the first is the current champion and the rest are
    /// the "last good" models scoring falls back to). Empty when nothing has been promoted yet.
    /// </summary>
    Task<IReadOnlyList<string>> GetPromotionHistoryAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens the ML.NET zip of a version for reading. Throws <see cref="FileNotFoundException"/> when absent.</summary>
    Task<Stream> OpenModelAsync(string version, CancellationToken cancellationToken = default);

    /// <summary>Stores a new version (model zip + metadata) without promoting it. Fails if the version already exists.</summary>
    Task SaveCandidateAsync(ModelMetadata metadata, Stream model, CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="version"/> the champion: puts it first in the promotion history (atomically).</summary>
    Task PromoteAsync(string version, CancellationToken cancellationToken = default);

    /// <summary>Stores an extra file beside a version (e.g. the HTML training report). Optional for stores that cannot.</summary>
    Task SaveAttachmentAsync(string version, string name, Stream content, CancellationToken cancellationToken = default);
}

public static class ModelStoreExtensions
{
    /// <summary>The version currently promoted, or null when nothing has been promoted yet.</summary>
    public static async Task<string?> GetChampionVersionAsync(this IModelStore store, CancellationToken cancellationToken = default) =>
        (await store.GetPromotionHistoryAsync(cancellationToken)).FirstOrDefault();
}
