using System.Diagnostics;

namespace RetentionInsights.Scoring;

/// <summary>The engine's trace source: one span per stage of a batch (never per customer), so a trace or a benchmark shows
/// where scoring time goes. Tags carry counts only.</summary>
public static class ScoringTelemetry
{
    public const string SourceName = "RetentionInsights.Scoring";
    public static readonly ActivitySource Source = new(SourceName, "1.0.0");

    public static class Stages
    {
        /// <summary>Status at the as-of date and the feature vector of every customer of the batch.</summary>
        public const string Features = "engine.features";

        /// <summary>The churn model: probability and per-feature contributions.</summary>
        public const string Churn = "engine.churn";

        /// <summary>Value, reasons, offers and talking points of each scored customer.</summary>
        public const string Assemble = "engine.assemble";

        public static readonly IReadOnlyList<string> All = [Features, Churn, Assemble];
    }
}
