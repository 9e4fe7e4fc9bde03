namespace RetentionInsights.Scoring.Models;

public sealed record PromotionDecision(string CandidateVersion, bool Promoted, string Reason, string? PreviousChampion, double CandidateAuc, double? ChampionAuc);

/// <summary>A model version that loaded, and the versions skipped on the way because they failed to load.</summary>
public sealed record LoadedModel<T>(string Version, ModelMetadata Metadata, T Model, IReadOnlyList<string> Skipped);

/// <summary>
/// Champion/challenger over any <see cref="IModelStore"/>: a candidate is promoted only when its holdout AUC is not worse
/// than the champion's on the same holdout (the trainer scores the champion on the candidate's holdout and records it as
/// <see cref="SameHoldoutChampionAuc"/>; without that number the champion's own stored holdout AUC is used). Loading walks
/// the promotion history so scoring keeps the last good model when the newest one is damaged.
/// </summary>
public static class ModelRegistry
{
    public const string SameHoldoutChampionAuc = "champion.auc.sameholdout";

    public static async Task<PromotionDecision> SaveAndPromoteAsync(IModelStore store, ModelMetadata candidate, Stream model, CancellationToken cancellationToken = default)
    {
        var all = await store.ListAsync(cancellationToken);
        var championVersion = await store.GetChampionVersionAsync(cancellationToken);
        var champion = all.FirstOrDefault(m => m.Version == championVersion);
        await store.SaveCandidateAsync(candidate, model, cancellationToken);

        var candidateAuc = candidate.HoldoutAuc;
        if (double.IsNaN(candidateAuc))
            return new PromotionDecision(candidate.Version, false, "candidate has no holdout AUC", championVersion, candidateAuc, champion?.HoldoutAuc);
        double? championAuc = champion is null ? null
            : candidate.Metrics.TryGetValue(SameHoldoutChampionAuc, out var same) && double.IsFinite(same) ? same : champion.HoldoutAuc;
        if (champion is not null && championAuc is { } c && double.IsFinite(c) && candidateAuc < c)
            return new PromotionDecision(candidate.Version, false, $"holdout AUC {candidateAuc:0.0000} is worse than champion {champion.Version} ({c:0.0000})", championVersion, candidateAuc, c);

        await store.PromoteAsync(candidate.Version, cancellationToken);
        var reason = champion is null ? "no champion yet" : $"holdout AUC {candidateAuc:0.0000} ≥ champion {champion.Version} ({championAuc:0.0000})";
        return new PromotionDecision(candidate.Version, true, reason, championVersion, candidateAuc, championAuc);
    }

    /// <summary>Loads the champion, falling back through earlier champions when one fails to load.</summary>
    public static async Task<LoadedModel<T>?> LoadChampionAsync<T>(IModelStore store, Func<ModelMetadata, Stream, T> load, CancellationToken cancellationToken = default) =>
        await LoadFirstAsync(store, await store.GetPromotionHistoryAsync(cancellationToken), load, cancellationToken);

    /// <summary>Loads one given version (a batch pinned to the version it started with); null when it cannot be loaded.</summary>
    public static Task<LoadedModel<T>?> LoadVersionAsync<T>(IModelStore store, string version, Func<ModelMetadata, Stream, T> load, CancellationToken cancellationToken = default) =>
        LoadFirstAsync(store, [version], load, cancellationToken);

    private static async Task<LoadedModel<T>?> LoadFirstAsync<T>(IModelStore store, IReadOnlyList<string> versions, Func<ModelMetadata, Stream, T> load, CancellationToken cancellationToken)
    {
        var metadata = (await store.ListAsync(cancellationToken)).ToDictionary(m => m.Version, StringComparer.Ordinal);
        var skipped = new List<string>();
        foreach (var version in versions)
        {
            if (!metadata.TryGetValue(version, out var meta))
            {
                skipped.Add($"{version}: metadata missing or unreadable");
                continue;
            }
            try
            {
                await using var stream = await store.OpenModelAsync(version, cancellationToken);
                var model = load(meta, stream);
                return new LoadedModel<T>(version, meta, model, skipped);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or InvalidOperationException or FormatException or ArgumentException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                skipped.Add($"{version}: {ex.GetType().Name}: {ex.Message}");
            }
        }
        return null;
    }
}
