using RetentionInsights.Data.Campaign;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Explanations;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Offers;

namespace RetentionInsights.Scoring;

/// <summary>Why a customer did or did not get scores.</summary>
public enum ScoreStatus
{
    Scored,

    /// <summary>rtn_profilingoptout is set (GDPR objection): no score, no offers, existing scores are cleared.</summary>
    OptedOut,

    /// <summary>The contact had left before the as-of date (from dated records, not today's status): scores and open proposals are cleared.</summary>
    Inactive,

    /// <summary>The contact was created after the as-of date: there is nothing to score yet, and nothing is written.</summary>
    NotYetCustomer,

    /// <summary>The contact is inactive and no record dates when it left, so whether it was a customer at the as-of date is unknown.</summary>
    LeftOnUnknownDate,
}

/// <summary>
/// The engine's answer for one customer: the rtn_ score columns (nulls clear a column), the top offers, and the churn reasons
/// in English and Dutch. <see cref="ContactScores.EarlyWarningLevel"/> is always null here: the early-warning module owns it.
/// <see cref="ContactScores.ChurnReasonCodes"/> and <see cref="ContactScores.ChurnReasonDetails"/> carry the reasons as
/// catalogue codes for the panel to render in the reader's language; <see cref="TalkingPoints"/> holds one phrase per offer,
/// in offer order (rtn_talkingpoint, see <see cref="Explanations.TalkingPoints.ToJson"/>).
/// </summary>
/// <remarks>
/// For scored contacts the engine also decides the retention group of the period (<see cref="RetentionGroup"/>, from
/// <see cref="RetentionGroupSince"/>: control contacts are scored but get no proactive offer) and the uplift segment; the
/// pipeline writes them to rtn_retentiongroup, rtn_retentiongroupsince and rtn_upliftsegment, and each proposal's
/// <see cref="OfferProposal.ChurnReduction"/> to rtn_churnreduction. Null for contacts that are not scored.
/// </remarks>
public sealed record CustomerScore(Guid ContactId, ScoreStatus Status, ContactScores Scores, IReadOnlyList<OfferProposal> Offers, IReadOnlyList<ChurnReason> Reasons)
{
    public IReadOnlyList<Phrase> TalkingPoints { get; init; } = [];
    public int? RetentionGroup => Scores.RetentionGroup;
    public DateTime? RetentionGroupSince => Scores.RetentionGroupSince;
    public int? UpliftSegment => Scores.UpliftSegment;
}

public sealed record EngineOptions
{
    /// <summary>Language of the text written to Dataverse columns (rtn_churnreasons, rtn_reason): "en" or "nl".</summary>
    public string Language { get; init; } = "en";

    public OfferPolicy OfferPolicy { get; init; } = new();

    /// <summary>Customers whose feature vectors are held at once; bounds memory when rescoring hundreds of thousands of customers.</summary>
    public int BatchSize { get; init; } = 50_000;
}

/// <summary>
/// The scoring engine as the service and the CLI use it: one trained version (churn model + metadata) and the offer
/// catalogue. Stateless between calls and safe to share across threads.
/// </summary>
public sealed class RetentionEngine
{
    private readonly ChurnPredictor _churn;
    private readonly FeatureClipper _clipper;
    private readonly OfferSelector _offers;
    private readonly EngineOptions _options;

    public RetentionEngine(ChurnPredictor churn, ModelMetadata metadata, IReadOnlyList<OfferRecord> catalogue, EngineOptions? options = null)
    {
        if (!churn.Features.SequenceEqual(FeatureSchema.Names) || !metadata.Features.SequenceEqual(FeatureSchema.Names))
            throw new InvalidDataException($"Model {metadata.Version} was trained on a different feature list than this engine builds; retrain with `rtn train`.");
        _churn = churn;
        Metadata = metadata;
        _options = options ?? new EngineOptions();
        _clipper = DataPreparation.Compile(metadata.Parameters.FeatureLimits);
        _offers = new OfferSelector(catalogue, metadata.Parameters.Offers, _options.OfferPolicy, metadata.Parameters.Uplift, metadata.Parameters.OfferMix);
    }

    public ModelMetadata Metadata { get; }

    public string ModelVersion => Metadata.Version;

    /// <summary>Share of customers that leave within the horizon (training holdout): the "average customer" of the five-second read.</summary>
    public double BaseRate => Metadata.Metrics.TryGetValue(MetricNames.HoldoutPositiveRate, out var rate) && rate > 0 ? rate : 0;

    /// <summary>Customers with less history than this get a score, marked "too early to score": most features look back 90 days.</summary>
    public const int TooEarlyDays = 60;

    /// <summary>
    /// Loads the champion from a model store, falling back to the previous champions when it fails to load. Returns null when
    /// the store holds no loadable model. <paramref name="skipped"/> lists versions that failed (for logging).
    /// </summary>
    public static async Task<(RetentionEngine? Engine, IReadOnlyList<string> Skipped)> LoadAsync(IModelStore store, IReadOnlyList<OfferRecord> catalogue, EngineOptions? options = null, CancellationToken cancellationToken = default)
    {
        var loaded = await ModelRegistry.LoadChampionAsync(store, Loader(catalogue, options), cancellationToken);
        return loaded is null ? (null, []) : (loaded.Model, loaded.Skipped);
    }

    /// <summary>Loads one given version, champion or not (a batch keeps the version it started with); null when it cannot be loaded.</summary>
    public static async Task<RetentionEngine?> LoadVersionAsync(IModelStore store, string version, IReadOnlyList<OfferRecord> catalogue, EngineOptions? options = null, CancellationToken cancellationToken = default) =>
        (await ModelRegistry.LoadVersionAsync(store, version, Loader(catalogue, options), cancellationToken))?.Model;

    private static Func<ModelMetadata, Stream, RetentionEngine> Loader(IReadOnlyList<OfferRecord> catalogue, EngineOptions? options) => (meta, stream) =>
    {
        // ML.NET reads the zip with seeks; Blob download streams cannot seek, so buffer first (models are a few hundred kB).
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        buffer.Position = 0;
        return new RetentionEngine(ChurnPredictor.Load(buffer, meta.Features, meta.Seed), meta, catalogue, options);
    };

    /// <summary>Scores one customer as of <paramref name="asOf"/> (used per Dataverse event).</summary>
    public CustomerScore Score(CustomerHistory history, DateTime asOf, MessageSentiment? sentiment = null) =>
        ScoreBatch([history], asOf, sentiment)[0];

    /// <summary>
    /// Scores many customers as of <paramref name="asOf"/>; results are in input order. Pass every contact: whether each was a
    /// customer at <paramref name="asOf"/> is decided here from dated records (<see cref="PointInTime.StatusAt"/>), so scoring a
    /// past date also scores customers who left after it, exactly as an export taken on that date would.
    /// </summary>
    /// <param name="answersKnownAt">Until when answers to offers are known (see <see cref="OfferContext.AnswersKnownAt"/>); default <paramref name="asOf"/>.</param>
    public IReadOnlyList<CustomerScore> ScoreBatch(IReadOnlyList<CustomerHistory> histories, DateTime asOf, MessageSentiment? sentiment = null, DateTime? answersKnownAt = null)
    {
        sentiment ??= MessageSentiment.None;
        var results = new CustomerScore[histories.Count];
        for (var start = 0; start < histories.Count; start += _options.BatchSize)
        {
            var count = Math.Min(_options.BatchSize, histories.Count - start);
            var raw = new float[count][];
            var clipped = new List<float[]>(count);
            var positions = new List<int>(count);
            var statuses = new ScoreStatus[count];
            using (ScoringTelemetry.Source.StartActivity(ScoringTelemetry.Stages.Features))
            {
                Parallel.For(0, count, k =>
                {
                    var h = histories[start + k];
                    statuses[k] = h.Contact.ProfilingOptOut ? ScoreStatus.OptedOut : PointInTime.StatusAt(h, asOf) switch
                    {
                        CustomerStatusAt.NotYetCustomer => ScoreStatus.NotYetCustomer,
                        CustomerStatusAt.Left => ScoreStatus.Inactive,
                        CustomerStatusAt.LeftOnUnknownDate => ScoreStatus.LeftOnUnknownDate,
                        _ => ScoreStatus.Scored,
                    };
                    if (statuses[k] == ScoreStatus.Scored)
                        raw[k] = FeatureBuilder.Build(h, asOf, sentiment);
                });
            }
            for (var k = 0; k < count; k++)
            {
                var h = histories[start + k];
                if (raw[k] is null)
                {
                    var status = statuses[k];
                    results[start + k] = new CustomerScore(h.Contact.Id, status, Cleared(h.Contact.Id), [], []);
                    continue;
                }
                var copy = (float[])raw[k].Clone();
                _clipper.Apply(copy);
                clipped.Add(copy);
                positions.Add(k);
            }
            double[] probabilities;
            float[][] contributions;
            using (ScoringTelemetry.Source.StartActivity(ScoringTelemetry.Stages.Churn))
                (probabilities, contributions) = _churn.Predict(clipped);
            using (ScoringTelemetry.Source.StartActivity(ScoringTelemetry.Stages.Assemble))
            {
                Parallel.For(0, positions.Count, j =>
                {
                    var k = positions[j];
                    results[start + k] = Assemble(histories[start + k], asOf, answersKnownAt, raw[k], probabilities[j], contributions[j]);
                });
            }
        }
        return results;
    }

    private CustomerScore Assemble(CustomerHistory history, DateTime asOf, DateTime? answersKnownAt, float[] raw, double probability, float[] contributions)
    {
        var parameters = Metadata.Parameters;
        var value = CustomerValue.Compute(history, asOf, probability, Metadata.HorizonDays, parameters.Clv);
        // Band from the stored (4 dp) value, so a marketer filtering on rtn_churnprobability sees the same cut as the band.
        var stored = Math.Round(probability, 4);
        var reasons = ChurnReasons.Top(contributions, raw, stored, BaseRate);
        var tenureYears = raw[FeatureSchema.IndexOf("tenure_years")];
        var running = FeatureBuilder.RunningContract(history, asOf);
        var decision = _offers.Decide(new OfferContext(history, asOf, raw, probability, value.Clv36m,
            (decimal)(value.MonthlyMargin * 12), running) { AnswersKnownAt = answersKnownAt });
        // The standing control group is decided here, in the engine, so every pipeline holds out the same contacts.
        var policy = _options.OfferPolicy;
        var control = RetentionGroups.IsControl(history.Contact.Id, asOf, policy.ControlShare, policy.ControlPeriodMonths);
        IReadOnlyList<OfferProposal> offers = control ? [] : decision.Offers;
        var scores = new ContactScores(
            history.Contact.Id,
            stored,
            null,
            parameters.RiskBands.BandOf(stored),
            Math.Round((decimal)value.Clv12m, 2),
            Math.Round((decimal)value.Clv36m, 2),
            Math.Round(value.PAlive, 4),
            value.Segment,
            ChurnReasons.Render(reasons, _options.Language),
            null,
            asOf,
            Metadata.Version)
        {
            ValueIfRetained = Math.Round((decimal)value.ValueIfRetained36m, 2),
            ChurnReasonCodes = ChurnReasons.Codes(reasons),
            ChurnReasonDetails = ChurnReasons.Details(reasons, Metadata.HorizonDays, BaseRate, parameters.RiskBands, tenureYears * 365 < TooEarlyDays),
        };
        // The offer's reason is its talking point (why it fits this customer), not the acceptance chance the card already shows.
        var phrases = reasons.Select(r => r.Phrase).ToArray();
        var talkingPoints = offers.Select(o => TalkingPoints.Pick(o.OfferType, phrases, (int)Math.Floor(tenureYears))).ToArray();
        offers = offers.Select((o, i) => o with
        {
            Reason = Phrases.Render(PhraseSection.TalkingPoints, talkingPoints[i], _options.Language),
            ReasonDutch = Phrases.Render(PhraseSection.TalkingPoints, talkingPoints[i], "nl"),
        }).ToArray();
        // Group and segment are score columns like the others: they live on ContactScores, which the pipeline writes.
        scores = scores with
        {
            RetentionGroup = control ? Names.Choices.GroupControl : Names.Choices.GroupTreatment,
            RetentionGroupSince = RetentionGroups.PeriodStart(asOf, policy.ControlPeriodMonths),
            UpliftSegment = decision.UpliftSegment,
        };
        return new CustomerScore(history.Contact.Id, ScoreStatus.Scored, scores, offers, reasons) { TalkingPoints = talkingPoints };
    }

    private static ContactScores Cleared(Guid id) => new(id, null, null, null, null, null, null, null, null, null, null, null);
}
