using RetentionInsights.Data.Generation;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Models;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Evaluation;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Sentiment;
using RetentionInsights.Scoring.Tests.Support;
using Xunit.Abstractions;

namespace RetentionInsights.Scoring.Tests.Engine;

/// <summary>
/// The generator's ERP export mode has the habits of real source systems (end dates overwritten at termination, statuses of
/// today, reopened cases, roll-overs, solar, billing errors). The engine must not be fooled: near the observable truth,
/// calibrated against the true probabilities, no leaked feature, and the same scores for a past date whenever the data was
/// exported.
/// </summary>
public sealed class ErpExportTests(ErpOrgFixture fixture, ITestOutputHelper output) : IClassFixture<ErpOrgFixture>
{
    private static readonly DateTime D = new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Train_ErpExport_NearObservableTruthCalibratedAndNoLeakedFeature()
    {
        var result = fixture.Training;
        var truth = fixture.Org.Summary.Truth.ToDictionary(t => t.ContactId);
        var engine = new RetentionEngine(result.Model, result.Metadata, fixture.Org.Data.Offers);
        var scored = engine.ScoreBatch(fixture.Org.Data.Histories, GeneratedOrg.TruthAsOf, fixture.Sentiment)
            .Where(s => s.Status == ScoreStatus.Scored && truth.ContainsKey(s.ContactId)).ToArray();
        var predicted = scored.Select(s => s.Scores.ChurnProbability!.Value).ToArray();
        var trueP = scored.Select(s => truth[s.ContactId].TrueProbability).ToArray();
        var labels = scored.Select(s => truth[s.ContactId].ChurnedWithinHorizon).ToArray();
        var observable = BinaryMetrics.RocAuc(scored.Select(s => truth[s.ContactId].ObservableProbability).ToArray(), labels);
        var model = BinaryMetrics.RocAuc(predicted, labels);
        var ece = EceAgainst(predicted, trueP);
        output.WriteLine($"contacts {fixture.Org.Data.Histories.Count}, scored {scored.Length}: model AUC {model:0.0000}, observable-truth AUC {observable:0.0000}, " +
            $"full-state truth AUC {BinaryMetrics.RocAuc(trueP, labels):0.0000}, holdout AUC {result.Holdout.Auc:0.0000}, baseline {result.Baseline.Auc:0.0000}, " +
            $"ECE vs true probabilities {ece:0.0000}, mean predicted {predicted.Average():0.0000}, mean true {trueP.Average():0.0000}, realised {labels.Average(l => l ? 1.0 : 0):0.0000}");
        output.WriteLine("feature AUC: " + string.Join(", ", result.FeatureAucs.Select(f => $"{f.Feature} {f.Auc:0.000}")));

        Assert.Empty(result.LeakageFindings);
        Assert.All(result.FeatureAucs, f => Assert.True(f.Auc <= 0.85, $"{f.Feature} {f.Auc:0.000}"));
        // At 3,000 contacts (about 200 leavers in the holdout) the AUC moves by ±0.02 between seeds and the learner has less to
        // learn from; the 20,000-contact run is held to 0.03 (measured 0.020, see docs/point-in-time.md).
        Assert.True(model >= observable - 0.05, $"model AUC {model:0.0000} is more than 0.05 below the observable truth {observable:0.0000}");
        Assert.True(ece <= 0.03, $"ECE against the true probabilities {ece:0.0000} > 0.03");
    }

    [Fact]
    public async Task Train_TermColumnOverwrittenWhenCustomersLeave_RefusedNamingTheFeature()
    {
        // A deliberately leaky source: the term column of every leaver's contracts rewritten so the term ends when they left.
        var leaky = fixture.Org.Data.Histories.Select(h => PointInTime.LeftOn(h) is not { } left ? h : h with
        {
            Orders = h.Orders.Select(o => o.Start is not { } start || start >= left ? o : o with
            {
                Tariff = Data.Metadata.Names.Choices.TariffFixed,
                TermMonths = MonthsUntil(start, left),
            }).ToArray(),
        }).ToArray();
        var result = EngineTrainer.Train(leaky, fixture.Org.Data.Offers, new TrainingOptions
        {
            AsOf = GeneratedOrg.TruthAsOf.AddDays(GeneratedOrg.Horizon),
            Leakage = new LeakageBounds { AllowSuspicious = true },
        }, fixture.Sentiment);
        output.WriteLine(string.Join(Environment.NewLine, result.LeakageFindings));
        Assert.Contains(result.LeakageFindings, f => f.Contains("'days_to_contract_end'", StringComparison.Ordinal) || f.Contains("'contract_end_within_60'", StringComparison.Ordinal));
        Assert.Equal(1, result.Metadata.Metrics[LeakageGuard.OverrideMetric]);

        var store = new LocalFolderModelStore(Path.Combine(fixture.Org.Directory, "models-" + Guid.NewGuid().ToString("N")));
        using var zip = new MemoryStream();
        result.Model.Save(zip);
        zip.Position = 0;
        var refused = await LeakageGuard.SaveAndPromoteAsync(store, result.Metadata, result.LeakageFindings, allowSuspicious: false, zip);
        Assert.False(refused.Promoted);
        Assert.Contains("suspected leakage", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("contract_end", refused.Reason, StringComparison.Ordinal);
        Assert.Null(await store.GetChampionVersionAsync());

        zip.Position = 0;
        var forced = await LeakageGuard.SaveAndPromoteAsync(store, result.Metadata with { Version = "forced" }, result.LeakageFindings, allowSuspicious: true, zip);
        Assert.True(forced.Promoted);
    }

    [Fact]
    public void ScoreBatch_ExportAtDAndSixMonthsLater_SameScoresAsOfD()
    {
        using var early = new GeneratedOrg(1500, ExportMode.Erp, exportAt: D, truth: false, seed: 5);
        using var late = new GeneratedOrg(1500, ExportMode.Erp, exportAt: null, truth: false, seed: 5);
        var engine = new RetentionEngine(fixture.Training.Model, fixture.Training.Metadata, early.Data.Offers);
        var earlyScores = engine.ScoreBatch(early.Data.Histories, D, Sentiment(early)).ToDictionary(s => s.ContactId);
        var lateHistories = late.Data.Histories.ToDictionary(h => h.Contact.Id);
        var lateScores = engine.ScoreBatch(late.Data.Histories, D, Sentiment(late)).ToDictionary(s => s.ContactId);

        var activeAtD = earlyScores.Values.Where(s => s.Status == ScoreStatus.Scored).ToArray();
        var leftLater = activeAtD.Count(s => !lateHistories[s.ContactId].Contact.IsActive);
        var maxDifference = activeAtD.Max(s => Math.Abs(s.Scores.ChurnProbability!.Value - (lateScores[s.ContactId].Scores.ChurnProbability ?? double.NaN)));
        output.WriteLine($"{activeAtD.Length} customers at {D:yyyy-MM-dd}, {leftLater} of them left before the later export; max |Δp| {maxDifference:0.00000}");
        Assert.True(leftLater > 20, "the later export must hold customers who left after D");
        Assert.All(activeAtD, s => Assert.Equal(ScoreStatus.Scored, lateScores[s.ContactId].Status));
        var worst = activeAtD.MaxBy(s => Math.Abs(s.Scores.ChurnProbability!.Value - (lateScores[s.ContactId].Scores.ChurnProbability ?? double.NaN)))!;
        var earlyRow = FeatureBuilder.Build(early.Data.Histories.Single(h => h.Contact.Id == worst.ContactId), D);
        var lateRow = FeatureBuilder.Build(lateHistories[worst.ContactId], D);
        var differing = FeatureSchema.Names.Where((_, f) => !earlyRow[f].Equals(lateRow[f])).Select(n => $"{n} {earlyRow[FeatureSchema.IndexOf(n)]} vs {lateRow[FeatureSchema.IndexOf(n)]}");
        Assert.True(maxDifference <= 0.005, $"max absolute difference {maxDifference:0.00000} > 0.005; features that differ for {worst.ContactId}: {string.Join(", ", differing)}");
    }

    private static int MonthsUntil(DateTime start, DateTime end)
    {
        var months = 1;
        while (start.Date.AddMonths(months).AddDays(-1) < end.Date)
            months++;
        return months;
    }

    private static MessageSentiment Sentiment(GeneratedOrg org) =>
        MessageSentiment.ComputeAsync(new LexiconSentimentAnalyzer(), org.Data.Histories).GetAwaiter().GetResult();

    /// <summary>Expected calibration error against known probabilities: 10 equal-count bins of the prediction.</summary>
    private static double EceAgainst(double[] predicted, double[] truth)
    {
        var order = Enumerable.Range(0, predicted.Length).OrderBy(i => predicted[i]).ToArray();
        double ece = 0;
        for (var b = 0; b < 10; b++)
        {
            var bin = order[(b * order.Length / 10)..((b + 1) * order.Length / 10)];
            ece += bin.Length / (double)order.Length * Math.Abs(bin.Average(i => predicted[i]) - bin.Average(i => truth[i]));
        }
        return ece;
    }
}

/// <summary>One ERP-mode org (3,000 contacts; RTN_ERP_TEST_CONTACTS overrides) and one training run.</summary>
public sealed class ErpOrgFixture : IDisposable
{
    public ErpOrgFixture()
    {
        var contacts = int.TryParse(Environment.GetEnvironmentVariable("RTN_ERP_TEST_CONTACTS"), out var n) ? n : 3000;
        Org = new GeneratedOrg(contacts, ExportMode.Erp);
        Sentiment = MessageSentiment.ComputeAsync(new LexiconSentimentAnalyzer(), Org.Data.Histories).GetAwaiter().GetResult();
        Training = EngineTrainer.Train(Org.Data.Histories, Org.Data.Offers, new TrainingOptions { AsOf = GeneratedOrg.TruthAsOf.AddDays(GeneratedOrg.Horizon) }, Sentiment);
    }

    public GeneratedOrg Org { get; }
    public TrainingResult Training { get; }
    public MessageSentiment Sentiment { get; }

    public void Dispose() => Org.Dispose();
}
