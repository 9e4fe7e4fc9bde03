using System.Security.Cryptography;
using System.Text;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Nightly;

/// <summary>
/// What the nightly rescore keeps between nights so it does not re-read and re-analyse history that did not change: each
/// contact's source records as the readers deliver them (contact, contracts and lines, invoices, cases and resolutions,
/// messages, meter readings) and the sentiment of every inbound message a score can read, analysed once. Features are never stored: they
/// depend on the scoring date ("contract ends in N days", windows of 30/60/90 days), so they are rebuilt from these records
/// at score time under the point-in-time rules, exactly as the full path builds them. On the local org the snapshot also
/// keeps what the service itself last wrote or read of each contact — its recommendations, alerts and score columns
/// (<see cref="OwnRowsKept"/>) — so the write check needs no read; any change to those rows by others (an agent's answer,
/// an admin's edit) is in the change log and the contact is re-read. On Dataverse they are read fresh each night.
/// </summary>
public sealed class FeatureSnapshot
{
    /// <summary>Changes whenever the records kept or the feature list change; a snapshot of another key is rebuilt in full.</summary>
    public static readonly string CurrentSchemaKey = SchemaKeyOf(FeatureSchema.Names);

    /// <summary>Format of the stored records; bump when <see cref="SnapshotFormat"/> changes.</summary>
    public const int FormatVersion = 5;

    public string SchemaKey { get; init; } = CurrentSchemaKey;

    /// <summary>Histories by contact id, kept encoded; <see cref="CustomerHistory.Recommendations"/> and <see cref="CustomerHistory.Alerts"/>
    /// are empty unless <see cref="OwnRowsKept"/>.</summary>
    public SnapshotHistories Histories { get; } = new();

    /// <summary>
    /// Whether the service's own rows are kept: each history's recommendations and alerts, and <see cref="Scores"/>. Set by
    /// the local org, whose change log also covers those rows; a Dataverse snapshot reads them from the store each night.
    /// </summary>
    public bool OwnRowsKept { get; init; }

    /// <summary>The score columns of each contact as stored (the "before" of the write check), when <see cref="OwnRowsKept"/>.</summary>
    public Dictionary<Guid, ContactScores> Scores { get; } = [];

    /// <summary>
    /// The night whose own writes this snapshot holds: the change-log entries of those writes carry this id and are not
    /// changes to re-read. A night that never saved its snapshot left entries with another id, which are re-read.
    /// </summary>
    public Guid NightId { get; set; }

    /// <summary>Sentiment in [−1, 1] per inbound message id, as the analyzer answered when the message was first seen.</summary>
    public Dictionary<Guid, double> Sentiment { get; } = [];

    /// <summary>
    /// Where the source's change feed was read up to: the local org's change-log sequence, or Dataverse delta links per table
    /// (key "table" → link).
    /// </summary>
    public long Watermark { get; set; }

    public Dictionary<string, string> DeltaLinks { get; } = new(StringComparer.Ordinal);

    /// <summary>When the snapshot was last rebuilt in full and last brought up to date.</summary>
    public DateTime BuiltOn { get; set; }

    public DateTime UpdatedOn { get; set; }

    public static string SchemaKeyOf(IEnumerable<string> featureNames) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"format {FormatVersion}\n" + string.Join("\n", featureNames))))[..16].ToLowerInvariant();

    /// <summary>Replaces a contact's records (a re-read after a change), or removes it when it no longer exists.</summary>
    public void Replace(Guid contactId, CustomerHistory? history, ContactScores? scores)
    {
        if (Histories.Remove(contactId, out var old))
        {
            // Sentiment of a message is kept as long as the message exists: only deleted messages are forgotten.
            var kept = history?.Activities.Select(a => a.Id).ToHashSet() ?? [];
            foreach (var activity in old.Activities)
            {
                if (!kept.Contains(activity.Id))
                    Sentiment.Remove(activity.Id);
            }
        }
        Scores.Remove(contactId);
        if (history is null)
            return;
        Histories[contactId] = Kept(history);
        if (OwnRowsKept && scores is not null)
            Scores[contactId] = scores;
    }

    /// <summary>The history as kept: without the service's own rows unless <see cref="OwnRowsKept"/>.</summary>
    public CustomerHistory Kept(CustomerHistory history) =>
        OwnRowsKept || (history.Recommendations.Count == 0 && history.Alerts.Count == 0) ? history : history with { Recommendations = [], Alerts = [] };

    /// <summary>Inbound messages with text that have no sentiment yet (new since the last night, or never analysed), from
    /// <paramref name="from"/> on when given (older ones cannot change a score; see <c>EngineScorer.SentimentSince</c>).</summary>
    public IEnumerable<ActivityRecord> Unanalysed(IEnumerable<ActivityRecord> activities, DateTime? from = null) =>
        activities.Where(a => !a.Outgoing && a.HasMessageText && (from is null || a.On >= from) && !Sentiment.ContainsKey(a.Id));

    /// <summary>
    /// Analyses those of <paramref name="activities"/> that are inbound with text and have no sentiment yet, and keeps the
    /// answers. Batches of 500 go to the analyzer, as many at a time as there are cores (the offline analyzer is CPU-bound;
    /// each message's score depends on its text only, so the result does not depend on the order). Returns the messages analysed.
    /// </summary>
    public async Task<int> AnalyseAsync(ISentimentAnalyzer analyzer, IEnumerable<ActivityRecord> activities, CancellationToken cancellationToken,
        DateTime? from = null)
    {
        var batches = Unanalysed(activities, from).DistinctBy(a => a.Id).Chunk(500).ToList();
        var answers = new IReadOnlyList<SentimentResult>[batches.Count];
        await Parallel.ForAsync(0, batches.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (i, ct) => answers[i] = await analyzer.AnalyzeAsync(batches[i].Select(a => new SentimentDocument(a.Id.ToString("N"), a.MessageText!)).ToList(), ct));
        foreach (var results in answers)
        {
            foreach (var result in results)
                Sentiment[Guid.ParseExact(result.Id, "N")] = Math.Clamp(result.Score, -1, 1);
        }
        return batches.Sum(b => b.Length);
    }
}
