using System.Diagnostics;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Clv;
using RetentionInsights.Scoring.Evaluation;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Uplift;

namespace RetentionInsights.Scoring.Engine;

public sealed record TrainingOptions
{
    public required DateTime AsOf { get; init; }
    public int HorizonDays { get; init; } = 90;
    public int MaxSnapshots { get; init; } = 12;

    /// <summary>Upper bound on stacked training rows; beyond it whole customers are sampled (seeded) so snapshots stay together.</summary>
    public int MaxTrainingRows { get; init; } = 1_500_000;

    public ChurnLearnerOptions Learner { get; init; } = new();
    public RiskBands RiskBands { get; init; } = RiskBands.Default;
    public ClvSettings Clv { get; init; } = new();
    public string? Version { get; init; }

    /// <summary>Uplift learner settings; its horizon follows <see cref="HorizonDays"/>.</summary>
    public UpliftLearnerOptions Uplift { get; init; } = new();

    /// <summary>
    /// Largest share of the contacts with offers for whom one offer type may come first (the offer-mix guard, see
    /// <see cref="OfferMix"/>); 1 turns the guard off. The guard gives up predicted value wherever one offer keeps most
    /// customers best; the training metrics say how much, so a business that prefers the value over the mix turns it off.
    /// </summary>
    public double MaxFirstOfferShare { get; init; } = OfferMix.DefaultMaxFirstShare;

    public LeakageBounds Leakage { get; init; } = new();
}

/// <summary>Everything a training run produced: the model, its metadata and what the report plots.</summary>
public sealed record TrainingResult(
    ModelMetadata Metadata,
    ChurnPredictor Model,
    SnapshotPlan Plan,
    BinaryMetrics Holdout,
    BinaryMetrics Baseline,
    PreparationReport Preparation,
    IReadOnlyList<double> HoldoutClv36,
    IReadOnlyDictionary<string, double> Timings,
    BgNbdFit? OrderBgNbd,
    GammaGammaFit? OrderGammaGamma)
{
    /// <summary>Single-variable holdout AUC per feature, highest first (the leakage table of the training report).</summary>
    public IReadOnlyList<FeatureAuc> FeatureAucs { get; init; } = [];

    /// <summary>Why the model looks leaked; a non-empty list stops promotion unless overridden.</summary>
    public IReadOnlyList<string> LeakageFindings { get; init; } = [];

    public bool Suspicious => LeakageFindings.Count > 0;
}

/// <summary>
/// Trains the engine from customer histories: stacked monthly snapshots for churn (LightGBM + logistic baseline, evaluated on
/// the time-based holdout), BG/NBD + Gamma–Gamma on contract starts for P(alive), and the offer acceptance model from past
/// responses — each using only what was known at its own dates.
/// </summary>
public static class EngineTrainer
{
    /// <summary>Value segment cut points at the configured shares of the customers active at <paramref name="asOf"/>.</summary>
    public static double[] ValueSegmentCuts(IReadOnlyList<CustomerHistory> histories, DateTime asOf, ClvSettings clv)
    {
        var values = histories
            .Where(h => h.Contact.IsActive && h.Contact.CreatedOn < asOf && !h.Contact.ProfilingOptOut)
            .Select(h => FeatureBuilder.RunningContract(h, asOf) is { } running ? CustomerValue.RetainedValue((double)running.TotalAmount * clv.MarginRate / 12, clv) : 0)
            .ToArray();
        return values.Length == 0 ? clv.SegmentCuts : CustomerValue.SegmentCutsByQuantile(values, clv.SegmentShares);
    }

    public static TrainingResult Train(IReadOnlyList<CustomerHistory> histories, IReadOnlyList<OfferRecord> catalogue, TrainingOptions options, MessageSentiment? sentiment = null, ChurnPredictor? champion = null)
    {
        sentiment ??= MessageSentiment.None;
        options.RiskBands.Validate();
        options.Leakage.Validate();
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        var plan = SnapshotPlan.Create(options.AsOf, options.HorizonDays, ChurnLabels.DataStart(histories), options.MaxSnapshots);

        var report = new PreparationReport();
        var trainRows = new List<float[]>();
        var trainLabels = new List<bool>();
        var keep = SampleCustomers(histories.Count, plan.Training.Count, options);
        if (keep is not null)
            report.Drop("customer not sampled (training row cap)", histories.Count - keep.Count(k => k));
        foreach (var t in plan.Training)
        {
            var (rows, labels, index) = ChurnLabels.Build(histories, t, options.HorizonDays, sentiment, report);
            for (var k = 0; k < rows.Count; k++)
            {
                if (keep is not null && !keep[index[k]])
                    continue;
                trainRows.Add(rows[k]);
                trainLabels.Add(labels[k]);
            }
        }
        var holdoutReport = new PreparationReport();
        var (holdoutRows, holdoutLabels, holdoutIndex) = ChurnLabels.Build(histories, plan.Holdout, options.HorizonDays, sentiment, holdoutReport);
        timings["features.seconds"] = clock.Elapsed.TotalSeconds;
        if (trainLabels.Count(l => l) < 10 || holdoutLabels.Count(l => l) < 1)
            throw new InvalidOperationException($"Too few churners to learn from: {trainLabels.Count(l => l)} in {trainRows.Count} training rows, {holdoutLabels.Count(l => l)} in the holdout.");

        var limits = DataPreparation.LearnLimits(trainRows);
        var clipper = DataPreparation.Compile(limits);
        foreach (var row in trainRows)
            clipper.Apply(row, report);
        var holdoutClipped = holdoutRows.Select(r => (float[])r.Clone()).ToList();
        foreach (var row in holdoutClipped)
            clipper.Apply(row);

        clock.Restart();
        var model = ChurnLearner.TrainLightGbm(trainRows, trainLabels, FeatureSchema.Names, options.Learner);
        timings["train.lightgbm.seconds"] = clock.Elapsed.TotalSeconds;
        var holdoutP = model.PredictProbabilities(holdoutClipped);
        var holdout = BinaryMetrics.Compute(holdoutP, holdoutLabels);
        clock.Restart();
        var baselineP = ChurnLearner.TrainAndScoreBaseline(trainRows, trainLabels, holdoutClipped, options.Learner.Seed);
        var baseline = BinaryMetrics.Compute(baselineP, holdoutLabels);
        timings["train.baseline.seconds"] = clock.Elapsed.TotalSeconds;

        var metrics = new Dictionary<string, double>
        {
            [MetricNames.HoldoutAuc] = holdout.Auc,
            [MetricNames.HoldoutPrAuc] = holdout.PrAuc,
            [MetricNames.HoldoutBrier] = holdout.Brier,
            [MetricNames.HoldoutEce] = holdout.Ece,
            [MetricNames.HoldoutLift10] = holdout.LiftAt10,
            [MetricNames.BaselineAuc] = baseline.Auc,
            [MetricNames.TrainingRows] = trainRows.Count,
            [MetricNames.HoldoutRows] = holdoutRows.Count,
            [MetricNames.HoldoutPositiveRate] = holdout.PositiveRate,
            ["training.positiverate"] = trainLabels.Count(l => l) / (double)trainLabels.Count,
            ["training.snapshots"] = plan.Training.Count,
        };
        // Leakage guard: each feature's own power on the holdout (raw values, as the source delivered them).
        var featureAucs = LeakageGuard.FeatureAucs(holdoutRows, holdoutLabels);
        var findings = LeakageGuard.Findings(holdout.Auc, featureAucs, options.Leakage);
        foreach (var f in featureAucs)
            metrics[LeakageGuard.FeatureAucPrefix + f.Feature] = Math.Round(f.Auc, 4);
        metrics[LeakageGuard.SuspiciousMetric] = findings.Count;
        if (findings.Count > 0 && options.Leakage.AllowSuspicious)
            metrics[LeakageGuard.OverrideMetric] = 1;
        if (champion is not null && champion.Features.SequenceEqual(FeatureSchema.Names))
            metrics[ModelRegistry.SameHoldoutChampionAuc] = BinaryMetrics.RocAuc(champion.PredictProbabilities(holdoutClipped), holdoutLabels);

        clock.Restart();
        var (bg, gg) = FitOrderBtyd(histories, options.AsOf);
        var clv = options.Clv with { OrderBgNbd = bg?.Parameters, OrderGammaGamma = gg?.Parameters };
        clv = clv with { SegmentCuts = ValueSegmentCuts(histories, options.AsOf, clv) };
        var byId = catalogue.ToDictionary(o => o.Id);
        var offers = OfferPropensity.Train(OfferPropensity.CollectResponses(histories, options.AsOf, byId, sentiment), catalogue);
        timings["train.clv_offers.seconds"] = clock.Elapsed.TotalSeconds;
        metrics["offers.responses"] = offers.Offers.Sum(o => o.Responses);

        clock.Restart();
        var upliftOptions = options.Uplift with { HorizonDays = options.HorizonDays };
        var upliftRows = UpliftLearner.CollectRows(histories, byId, options.AsOf, upliftOptions, sentiment, rows => ChurnOffsets(model, clipper, rows), offers);
        var uplift = UpliftLearner.Train(upliftRows, upliftOptions);
        // Honest holdout: the last two months of rows whose outcomes are known, scored by a model fitted on the rows before.
        if (UpliftLearner.HoldoutQini(upliftRows, options.AsOf.AddDays(-options.HorizonDays).AddMonths(-2), upliftOptions) is { } qini)
            metrics["uplift.holdout.qini"] = qini;
        metrics["uplift.control.rows"] = uplift.ControlRows;
        metrics["uplift.treated.rows"] = upliftRows.Count(r => r.OfferType >= 0);
        metrics["uplift.types.learned"] = uplift.Types.Count;
        timings["train.uplift.seconds"] = clock.Elapsed.TotalSeconds;
        if (bg is not null)
        {
            metrics["clv.bgnbd.loglik"] = bg.LogLikelihood;
            metrics["clv.bgnbd.converged"] = bg.Converged ? 1 : 0;
        }

        var holdoutClv = holdoutIndex.Select((h, k) => CustomerValue.Compute(histories[h], plan.Holdout, holdoutP[k], options.HorizonDays, clv).Clv36m).ToArray();
        var trainedOn = DateTime.UtcNow;
        var metadata = new ModelMetadata
        {
            Version = options.Version ?? $"{trainedOn:yyyyMMdd-HHmmss}-{options.AsOf:yyyyMMdd}",
            TrainedOn = trainedOn,
            DataWindowStart = plan.Training[0],
            DataWindowEnd = options.AsOf,
            HorizonDays = options.HorizonDays,
            Seed = options.Learner.Seed,
            Features = FeatureSchema.Names,
            Metrics = metrics,
            Parameters = new EngineParameters { RiskBands = options.RiskBands, Clv = clv, Offers = offers, Uplift = uplift, FeatureLimits = limits },
        };
        if (options.MaxFirstOfferShare < 1)
        {
            // Scores the whole book once more, so only when the guard is on.
            clock.Restart();
            var mix = FitOfferMix(new RetentionEngine(model, metadata, catalogue), histories, options.AsOf, options.MaxFirstOfferShare, sentiment);
            metadata = metadata with { Parameters = metadata.Parameters with { OfferMix = mix } };
            timings["train.offermix.seconds"] = clock.Elapsed.TotalSeconds;
            metrics["offers.mix.maxfirstshare"] = mix.MaxFirstShare;
            metrics["offers.mix.largestshare.before"] = mix.LargestShareBefore;
            metrics["offers.mix.largestshare.after"] = mix.LargestShareAfter;
            metrics["offers.mix.pricedtypes"] = mix.Prices.Count;
            metrics["offers.mix.firstoffervaluekept"] = mix.FirstOfferValueKept;
        }
        report.Merge(holdoutReport);
        return new TrainingResult(metadata, model, plan, holdout, baseline, report, holdoutClv, timings, bg, gg)
        {
            FeatureAucs = featureAucs,
            LeakageFindings = findings,
        };
    }

    /// <summary>
    /// The offer-mix guard, fitted on the book as of <paramref name="asOf"/>: every customer scored exactly as
    /// <paramref name="engine"/> (an engine without a guard) scores them, control group and contact rules included, and the
    /// types priced so that no type is first for more than <paramref name="maxFirstShare"/> of the contacts with offers.
    /// </summary>
    public static OfferMix FitOfferMix(RetentionEngine engine, IReadOnlyList<CustomerHistory> histories, DateTime asOf, double maxFirstShare, MessageSentiment? sentiment = null)
    {
        var candidates = engine.ScoreBatch(histories, asOf, sentiment).Where(s => s.Offers.Count > 0)
            .Select(s => (IReadOnlyList<(int, double)>)s.Offers.Select(o => (o.OfferType, (double)o.ExpectedValue)).ToArray()).ToArray();
        return OfferMix.Fit(candidates, maxFirstShare);
    }

    /// <summary>The churn model's probabilities for raw feature rows, clipped exactly as at scoring time.</summary>
    public static double[] ChurnOffsets(ChurnPredictor model, FeatureClipper clipper, IReadOnlyList<float[]> rows)
    {
        var clipped = rows.Select(r =>
        {
            var copy = (float[])r.Clone();
            clipper.Apply(copy);
            return copy;
        }).ToList();
        return model.PredictProbabilities(clipped).ToArray();
    }

    private static bool[]? SampleCustomers(int customers, int snapshots, TrainingOptions options)
    {
        var expected = (long)customers * snapshots;
        if (expected <= options.MaxTrainingRows)
            return null;
        var share = options.MaxTrainingRows / (double)expected;
        var random = new Random(options.Learner.Seed);
        return Enumerable.Range(0, customers).Select(_ => random.NextDouble() < share).ToArray();
    }

    /// <summary>BG/NBD + Gamma–Gamma on contract starts (weekly); null when the data cannot support a fit.</summary>
    public static (BgNbdFit? BgNbd, GammaGammaFit? GammaGamma) FitOrderBtyd(IReadOnlyList<CustomerHistory> histories, DateTime asOf)
    {
        // A systematic sample of at most 20,000 customers: the fit only needs the population shape, and contract renewals are
        // so regular that the likelihood is flat in some directions, where every extra customer only costs time.
        var step = Math.Max(1, histories.Count / 20_000);
        var summaries = histories.Where((_, i) => i % step == 0).Select(h => CustomerValue.OrderSummary(h, asOf)).OfType<RfmSummary>().ToArray();
        if (summaries.Length < 50 || summaries.Count(s => s.Frequency > 0) < 10)
            return (null, null);
        // Aggregation inside BgNbd.Fit keeps this fast even for 400k customers (few distinct (x, t_x, T) triples per week).
        BgNbdFit? bg = null;
        GammaGammaFit? gg = null;
        try
        {
            bg = BgNbd.Fit(summaries, maxEvaluations: 4_000);
            if (!(bg.Parameters.A > 0 && double.IsFinite(bg.LogLikelihood)))
                bg = null;
        }
        catch (ArgumentException)
        {
        }
        try
        {
            gg = GammaGamma.Fit(summaries, maxEvaluations: 4_000);
        }
        catch (ArgumentException)
        {
        }
        return (bg, gg);
    }
}
