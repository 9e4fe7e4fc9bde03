using System.Diagnostics;

namespace RetentionInsights.Functions.Telemetry;

/// <summary>The service's OpenTelemetry trace source. Tags carry ids and counts only, never names or message text.</summary>
public static class ServiceTelemetry
{
    public const string SourceName = "RetentionInsights.Functions";
    public static readonly ActivitySource Source = new(SourceName, "1.0.0");
}
