using System.Diagnostics;

namespace RetentionInsights.Functions.Telemetry;

/// <summary>The service's OpenTelemetry trace source. Tags carry ids and counts only, never names or message text.</summary>
public static class ServiceTelemetry
{
    public const string SourceName = "RetentionInsights.Functions";
    public static readonly ActivitySource Source = new(SourceName, "1.0.0");

    /// <summary>
    /// The stages of an event, as child spans of "dataverse.event": where an event's time goes (traces, and the breakdown
    /// `rtn bench service` prints).
    /// </summary>
    public static class Stages
    {
        public const string Event = "dataverse.event";
        public const string Admission = "event.admission";
        public const string LedgerClaim = "ledger.claim";
        public const string Lock = "contact.lock";
        public const string Load = "store.load";
        public const string State = "store.state";
        public const string Score = "engine.score";
        public const string Write = "store.write";
        public const string LedgerComplete = "ledger.complete";

        public static readonly IReadOnlyList<string> All = [Event, Admission, LedgerClaim, Lock, Load, State, Score, Write, LedgerComplete];
    }
}
