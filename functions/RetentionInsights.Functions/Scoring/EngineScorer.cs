using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RetentionInsights.Functions.Configuration;
using RetentionInsights.Functions.Telemetry;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Explanations;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Functions.Scoring;

/// <summary>
/// <see cref="ICustomerScorer"/> over the engine's <see cref="RetentionEngine"/>. The champion is loaded once and reused
/// (an event must cost milliseconds, not a model load); the store is asked at most every <see cref="RefreshInterval"/>
/// whether another version was promoted. If a new champion fails to load, the engine falls back to the last good one.
/// </summary>
public sealed class EngineScorer(IModelStore models, ISentimentAnalyzer sentiment, EarlyWarningEvaluator? earlyWarning, TimeProvider time,
    IOptions<ServiceOptions> options, ILogger<EngineScorer> logger) : ICustomerScorer
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private RetentionEngine? _engine;
    private IReadOnlyList<OfferRecord>? _catalogue;
    private string? _champion;
    private string? _loadedFor;
    private DateTime _checkedAt = DateTime.MinValue;

    public async Task<string?> GetChampionVersionAsync(CancellationToken cancellationToken)
    {
        await RefreshChampionAsync(cancellationToken);
        return _engine?.ModelVersion ?? _champion;
    }

    public async Task<ScorerHealth> GetHealthAsync(IReadOnlyList<OfferRecord> catalogue, CancellationToken cancellationToken)
    {
        var engine = await EngineAsync(catalogue, cancellationToken);
        var champion = _champion;
        if (engine is null)
        {
            if (champion is not null)
                return new ScorerHealth(false, $"The champion model {Quote(champion)} cannot be loaded and no earlier champion loads either; " +
                    "events are answered 503 until a loadable model is promoted (see the log for why it failed).", champion, null);
            var trained = (await models.ListAsync(cancellationToken)).Count;
            return new ScorerHealth(false, trained == 0
                ? "No model is trained yet: train one (POST /api/models/train or rtn train); events are answered 503 until then."
                : $"The champion pointer is empty or unreadable although {trained} model version(s) exist: promote one; events are answered 503 until then.",
                null, null);
        }
        if (!string.Equals(engine.ModelVersion, champion, StringComparison.Ordinal))
            return new ScorerHealth(false, $"Scoring with the fallback model {Quote(engine.ModelVersion)}: the champion {(champion is null ? "pointer is empty" : Quote(champion) + " cannot be loaded")}.",
                champion, engine.ModelVersion, engine.Metadata.DataWindowStart);
        return new ScorerHealth(true, null, champion, engine.ModelVersion, engine.Metadata.DataWindowStart);
    }

    /// <summary>A version name as it may appear in an answer: a damaged pointer can hold anything, so only a plain name is echoed.</summary>
    private static string Quote(string? version) =>
        version is { Length: > 0 and <= 80 } v && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? $"'{v}'" : "(unreadable name)";

    public async Task<IReadOnlyList<ScoringOutcome?>> ScoreAsync(IReadOnlyList<CustomerHistory> histories, IReadOnlyList<OfferRecord> catalogue,
        DateTime asOf, DateTime answersKnownAt, CancellationToken cancellationToken, string? modelVersion = null)
    {
        var engine = await EngineAsync(catalogue, cancellationToken);
        if (modelVersion is not null && engine is not null && engine.ModelVersion != modelVersion)
            engine = await PinnedAsync(modelVersion, catalogue, cancellationToken) ?? engine;
        if (engine is null)
            return histories.Select(_ => (ScoringOutcome?)null).ToList();
        MessageSentiment messages;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Sentiment))
            messages = await SentimentOfAsync(histories, SentimentSince(asOf, earlyWarning?.Options), asOf, cancellationToken);
        IReadOnlyList<CustomerScore> scores;
        using (ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Model))
            scores = engine.ScoreBatch(histories, asOf, messages, answersKnownAt);
        using var alerts = ServiceTelemetry.Source.StartActivity(ServiceTelemetry.Stages.Alerts);
        var outcomes = new List<ScoringOutcome?>(scores.Count);
        for (var i = 0; i < scores.Count; i++)
        {
            var s = scores[i];
            var offers = s.Offers.Select((o, k) => new ProposedOffer(o.OfferId, o.Rank, o.AcceptanceProbability, o.ExpectedValue, o.Reason, o.Channel,
                k < s.TalkingPoints.Count ? TalkingPoints.ToJson(s.TalkingPoints[k]) : null, Math.Round(o.ChurnReduction, 4))).ToList();
            if (earlyWarning is null || s.Status != ScoreStatus.Scored)
            {
                outcomes.Add(new ScoringOutcome(s.Scores, offers, null, Status: s.Status));
                continue;
            }
            var assessment = earlyWarning.Evaluate(
                EarlyWarningEvaluator.FromHistory(histories[i], id => messages.TryGet(id, out var score) ? score : null), asOf,
                FeedbackOf(histories[i], asOf));
            var alert = assessment.RaisesAlert
                ? new ProposedAlert(assessment.Level.ToChoice(), assessment.SignalsText(), assessment.MeanSentiment, assessment.DueBy ?? asOf.AddDays(1))
                : null;
            outcomes.Add(new ScoringOutcome(s.Scores with { EarlyWarningLevel = assessment.Level.ToChoice() }, offers, alert, AlertEvaluated: true));
        }
        return outcomes;
    }

    /// <summary>
    /// The agents' verdicts on this customer's earlier alerts (valid / false alarm) tune the next one: a false alarm moves
    /// the customer's thresholds below the tone that raised it, the way the scan's feedback loop does. The org-wide part of
    /// that loop (a level agents mostly reject asks more evidence) needs every verdict and stays with the scan.
    /// </summary>
    private CustomerCalibration? FeedbackOf(CustomerHistory history, DateTime asOf) =>
        earlyWarning is null || history.Alerts.All(a => a.Feedback is null)
            ? null
            : new AlertFeedbackCalibration(AlertFeedbackCalibration.FromAlerts(history.Alerts), earlyWarning.Options).For(history.Contact.Id, asOf);

    /// <summary>
    /// The oldest message whose sentiment a score as of <paramref name="asOf"/> can depend on: the longest window of the
    /// features (<see cref="FeatureBuilder.SentimentLookbackDays"/>) or of the early-warning rules
    /// (<see cref="EarlyWarningOptions.LookbackDays"/>), with a day to spare. Only messages from then on are analysed: a
    /// customer's years of older mail cannot change today's score, and with Azure AI Language each analysis is billed.
    /// </summary>
    public static DateTime SentimentSince(DateTime asOf, EarlyWarningOptions? earlyWarning) =>
        asOf.AddDays(-Math.Max(FeatureBuilder.SentimentLookbackDays, earlyWarning?.LookbackDays ?? 0) - 1);

    /// <summary>Sentiment per message, remembered across events: a sent message never changes, and with Azure AI Language
    /// configured every analysis is a billed call. Only messages not seen before are analysed; an analyzer that keeps what it
    /// analysed (<see cref="IKnownSentiment"/>, the nightly snapshot) answers its known messages by id. Messages outside
    /// [<paramref name="since"/>, <paramref name="asOf"/>] are left out: no score as of that date reads them.</summary>
    private async Task<MessageSentiment> SentimentOfAsync(IReadOnlyList<CustomerHistory> histories, DateTime since, DateTime asOf,
        CancellationToken cancellationToken)
    {
        var known = sentiment as IKnownSentiment;
        var scores = new Dictionary<Guid, double>();
        var missing = new List<ActivityRecord>();
        foreach (var history in histories)
        {
            foreach (var activity in history.Activities)
            {
                if (activity.Outgoing || !activity.HasMessageText || activity.On < since || activity.On > asOf)
                    continue;
                if (known?.TryGetKnown(activity.Id, out var score) == true || _sentiment.TryGetValue(activity.Id, out score))
                    scores[activity.Id] = score;
                else
                    missing.Add(activity);
            }
        }
        if (missing.Count == 0)
            return new MessageSentiment(scores);
        missing = missing.DistinctBy(a => a.Id).ToList();
        if (_sentiment.Count + missing.Count > MaxCachedMessages)
            _sentiment.Clear(); // bounded memory; the next events simply analyse their messages again
        foreach (var batch in missing.Chunk(500))
        {
            var results = await sentiment.AnalyzeAsync(batch.Select(a => new SentimentDocument(a.Id.ToString("N"), a.MessageText!)).ToList(), cancellationToken);
            foreach (var result in results)
            {
                var id = Guid.ParseExact(result.Id, "N");
                scores[id] = _sentiment[id] = Math.Clamp(result.Score, -1, 1);
            }
        }
        return new MessageSentiment(scores);
    }

    public const int MaxCachedMessages = 500_000;

    /// <summary>Messages analysed by the sentiment analyzer since start (for tests and diagnostics).</summary>
    public int CachedMessages => _sentiment.Count;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, double> _sentiment = new();

    /// <summary>Forgets the loaded engine so the next call loads the (new) champion; called after a promotion.</summary>
    public void Invalidate() => _checkedAt = DateTime.MinValue;

    private async Task<RetentionEngine?> EngineAsync(IReadOnlyList<OfferRecord> catalogue, CancellationToken cancellationToken)
    {
        await RefreshChampionAsync(cancellationToken);
        if (_engine is not null && SameCatalogue(catalogue) && _loadedFor == _champion)
            return _engine;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_engine is null || !SameCatalogue(catalogue) || _loadedFor != _champion)
            {
                if (_champion is null)
                    return null;
                // Remembered even when the load falls back, so a damaged newest model is not re-read on every event.
                _loadedFor = _champion;
                var (engine, skipped) = await RetentionEngine.LoadAsync(models, catalogue,
                    new EngineOptions { Language = options.Value.Language }, cancellationToken);
                foreach (var reason in skipped)
                    logger.LogWarning("Model version skipped while loading the champion: {Reason}", reason);
                if (engine is not null)
                {
                    _engine = engine;
                    _catalogue = catalogue;
                    logger.LogInformation("Scoring with model {ModelVersion}", engine.ModelVersion);
                }
            }
            return _engine;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The engine of an earlier version a running batch keeps scoring with after a promotion: one is kept besides the champion's
    /// (one batch runs at a time), loaded under the same gate. Null when that version cannot be loaded (deleted, damaged): the
    /// batch then goes on with the champion, as before pinning.
    /// </summary>
    private async Task<RetentionEngine?> PinnedAsync(string version, IReadOnlyList<OfferRecord> catalogue, CancellationToken cancellationToken)
    {
        if (_pinned is { } pinned && pinned.Version == version && Same(pinned.Catalogue, catalogue))
            return pinned.Engine;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_pinned is not { } current || current.Version != version || !Same(current.Catalogue, catalogue))
            {
                // Remembered even when the load fails, so a batch's every chunk does not try again.
                var engine = await RetentionEngine.LoadVersionAsync(models, version, catalogue, new EngineOptions { Language = options.Value.Language }, cancellationToken);
                if (engine is null)
                    logger.LogWarning("The batch's model version could not be loaded; its remaining contacts are scored with the champion");
                _pinned = new PinnedEngine(version, catalogue, engine);
            }
            return _pinned.Engine;
        }
        finally
        {
            _gate.Release();
        }
    }

    // A reference, swapped whole: a reader outside the gate sees one version's fields together.
    private volatile PinnedEngine? _pinned;

    private sealed record PinnedEngine(string Version, IReadOnlyList<OfferRecord> Catalogue, RetentionEngine? Engine);

    /// <summary>The catalogue is re-read every few minutes; only a real change (records compare by value) rebuilds the engine.</summary>
    private bool SameCatalogue(IReadOnlyList<OfferRecord> catalogue) => _catalogue is not null && Same(_catalogue, catalogue);

    private static bool Same(IReadOnlyList<OfferRecord> a, IReadOnlyList<OfferRecord> b) => ReferenceEquals(a, b) || a.SequenceEqual(b);

    private async Task RefreshChampionAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (now - _checkedAt < RefreshInterval)
            return;
        _champion = (await models.GetPromotionHistoryAsync(cancellationToken)).FirstOrDefault();
        _checkedAt = now;
    }
}
