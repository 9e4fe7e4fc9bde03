using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetentionInsights.Scoring.Models;

/// <summary>
/// What is known about one trained model version, stored as JSON next to its ML.NET zip. Besides provenance (training time,
/// data window, seed, feature list) and holdout metrics it carries the small non-ML.NET parts of the engine (CLV parameters,
/// offer acceptance tables, risk band cut points), so one version fully reproduces every score it produced.
/// </summary>
public sealed record ModelMetadata
{
    public const int CurrentSchemaVersion = 1;

    public required string Version { get; init; }
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required DateTime TrainedOn { get; init; }

    /// <summary>First snapshot date used for training.</summary>
    public required DateTime DataWindowStart { get; init; }

    /// <summary>Last date whose records or labels were used (the as-of date of training).</summary>
    public required DateTime DataWindowEnd { get; init; }

    public required int HorizonDays { get; init; }
    public required int Seed { get; init; }
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>Holdout metrics, e.g. "holdout.auc", "holdout.brier", "holdout.ece", "baseline.auc".</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    public required EngineParameters Parameters { get; init; }

    /// <summary>Holdout ROC AUC, the number champion/challenger promotion compares.</summary>
    [JsonIgnore]
    public double HoldoutAuc => Metrics.TryGetValue(MetricNames.HoldoutAuc, out var auc) ? auc : double.NaN;

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ModelMetadata FromJson(string json) =>
        JsonSerializer.Deserialize<ModelMetadata>(json, JsonOptions)
        ?? throw new InvalidDataException("Model metadata JSON is empty.");

    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken = default) =>
        await JsonSerializer.SerializeAsync(stream, this, JsonOptions, cancellationToken);

    public static async Task<ModelMetadata> ReadAsync(Stream stream, CancellationToken cancellationToken = default) =>
        await JsonSerializer.DeserializeAsync<ModelMetadata>(stream, JsonOptions, cancellationToken)
        ?? throw new InvalidDataException("Model metadata JSON is empty.");
}

public static class MetricNames
{
    public const string HoldoutAuc = "holdout.auc";
    public const string HoldoutPrAuc = "holdout.prauc";
    public const string HoldoutBrier = "holdout.brier";
    public const string HoldoutEce = "holdout.ece";
    public const string HoldoutLift10 = "holdout.lift10";
    public const string BaselineAuc = "baseline.auc";
    public const string TrainingRows = "training.rows";
    public const string HoldoutRows = "holdout.rows";
    public const string HoldoutPositiveRate = "holdout.positiverate";
}
