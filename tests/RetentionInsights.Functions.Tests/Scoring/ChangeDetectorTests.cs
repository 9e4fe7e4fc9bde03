using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;

namespace RetentionInsights.Functions.Tests.Scoring;

public sealed class ChangeDetectorTests
{
    private static readonly DateTime Now = new(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Contact = Guid.NewGuid();
    private static readonly Guid OfferA = Guid.NewGuid();
    private static readonly Guid OfferB = Guid.NewGuid();

    private static ContactScores Scores(double? p, int? band = Names.Choices.RiskMedium, string? model = "v1") =>
        new(Contact, p, null, band, p is null ? null : 120.00m, p is null ? null : 300.00m, p is null ? null : 0.9, p is null ? null : Names.Choices.SegmentMedium,
            p is null ? null : "Contract ends soon", null, p is null ? null : Now.AddDays(-1), model);

    private static ContactState State(ContactScores scores, bool optOut = false, params RecommendationRecord[] recs) =>
        new(Contact, "Test Contact", optOut, scores, recs.Select(r => new StoredRecommendation(r, "Offer", Names.Choices.OfferDiscount)).ToList(), null);

    private static RecommendationRecord Proposed(Guid offer, int rank, double p = 0.3) =>
        new(Guid.NewGuid(), Contact, offer, rank, p, 50m, "reason", Names.Choices.RecommendationProposed, Now.AddDays(-1), null, Names.Choices.ChannelPhone, "v1");

    private static ScoringOutcome Outcome(double p, params ProposedOffer[] offers) => new(Scores(p) with { ScoredOn = Now }, offers, null);

    [Fact]
    public void Diff_SameValuesAtColumnPrecision_WritesNothing()
    {
        var state = State(Scores(0.12345), recs: Proposed(OfferA, 1));

        var change = ChangeDetector.Diff(state, Outcome(0.12347, new ProposedOffer(OfferA, 1, 0.30001, 50.001m, "reason", Names.Choices.ChannelPhone)), Now);

        Assert.True(change.IsEmpty);
    }

    [Fact]
    public void Diff_ProbabilityMoved_WritesItWithThePreviousValueAndTheScoringDate()
    {
        var change = ChangeDetector.Diff(State(Scores(0.10)), Outcome(0.25), Now);

        Assert.Equal(0.25, change.ContactColumns[Names.Contact.ChurnProbability]);
        Assert.Equal(0.10, change.ContactColumns[Names.Contact.PreviousChurnProbability]);
        Assert.Equal(Now, change.ContactColumns[Names.Contact.ScoredOn]);
        Assert.False(change.ContactColumns.ContainsKey(Names.Contact.Clv12m));
        Assert.False(change.ContactColumns.ContainsKey(Names.Contact.ModelVersion));
    }

    [Fact]
    public void Diff_NewTopThree_KeepsTheSameOfferRecordExpiresTheDroppedAndCreatesTheNew()
    {
        var kept = Proposed(OfferA, 2);
        var dropped = Proposed(OfferB, 1);
        var fresh = Guid.NewGuid();

        var change = ChangeDetector.Diff(State(Scores(0.1), recs: [kept, dropped]), Outcome(0.1,
            new ProposedOffer(OfferA, 1, 0.3, 50m, "reason", Names.Choices.ChannelPhone),
            new ProposedOffer(fresh, 2, 0.2, 40m, "new", Names.Choices.ChannelEmail)), Now);

        Assert.Equal(kept.Id, Assert.Single(change.UpdateRecommendations).Id);
        Assert.Equal(1, change.UpdateRecommendations[0].Rank);
        Assert.Equal([dropped.Id], change.ExpireRecommendations);
        var created = Assert.Single(change.CreateRecommendations);
        Assert.Equal(fresh, created.OfferId);
        Assert.Equal(Names.Choices.RecommendationProposed, created.Status);
    }

    [Fact]
    public void Diff_ProbabilityRoseAndBandMoved_WritesRisingTrendPreviousBandAndTheDayOfTheChange()
    {
        var stored = Scores(0.10, Names.Choices.RiskMedium) with { ChurnTrend = Names.Choices.TrendStable };
        var fresh = Outcome(0.30) with { Scores = Scores(0.30, Names.Choices.RiskCritical) with { ScoredOn = Now } };

        var change = ChangeDetector.Diff(State(stored), fresh, Now);

        Assert.Equal(Names.Choices.TrendRising, change.ContactColumns[Names.Contact.ChurnTrend]);
        Assert.Equal(Names.Choices.RiskMedium, change.ContactColumns[Names.Contact.PreviousRiskBand]);
        Assert.Equal(Now, change.ContactColumns[Names.Contact.RiskBandChangedOn]);
    }

    [Fact]
    public void Diff_SameBandSmallMove_KeepsTheBandHistoryAndSaysStable()
    {
        var changedOn = Now.AddDays(-20);
        var stored = Scores(0.10) with { PreviousRiskBand = Names.Choices.RiskLow, RiskBandChangedOn = changedOn, ChurnTrend = Names.Choices.TrendRising };

        var change = ChangeDetector.Diff(State(stored), Outcome(0.104), Now);

        Assert.Equal(Names.Choices.TrendStable, change.ContactColumns[Names.Contact.ChurnTrend]);
        Assert.False(change.ContactColumns.ContainsKey(Names.Contact.PreviousRiskBand));
        Assert.False(change.ContactColumns.ContainsKey(Names.Contact.RiskBandChangedOn));
    }

    [Fact]
    public void Diff_FirstScore_HasNoTrendAndNoBandHistory()
    {
        var change = ChangeDetector.Diff(State(Scores(null, band: null)), Outcome(0.2), Now);

        Assert.False(change.ContactColumns.TryGetValue(Names.Contact.ChurnTrend, out var trend) && trend is not null);
        Assert.False(change.ContactColumns.ContainsKey(Names.Contact.PreviousRiskBand));
    }

    [Fact]
    public void Diff_NewReasonCodesDetailsValueAndTalkingPoint_AreWrittenAndRewrittenOnlyWhenTheyChange()
    {
        const string details = """{"v":1,"h":90,"r":[{"c":"contract_ending","p":{"days":26}}]}""";
        var engine = Outcome(0.2, new ProposedOffer(OfferA, 1, 0.3, 50m, "reason", Names.Choices.ChannelPhone, """{"c":"renewal_moment","p":{"days":26}}"""));
        engine = engine with { Scores = engine.Scores with { ChurnReasonCodes = "471500001,471500004", ChurnReasonDetails = details, ValueIfRetained = 812.40m } };
        var before = Proposed(OfferA, 1, 0.3);

        var first = ChangeDetector.Diff(State(Scores(0.2), recs: before), engine, Now);

        Assert.Equal("471500001,471500004", first.ContactColumns[Names.Contact.ChurnReasonCodes]);
        Assert.Equal(details, first.ContactColumns[Names.Contact.ChurnReasonDetails]);
        Assert.Equal(812.40m, first.ContactColumns[Names.Contact.ValueIfRetained]);
        Assert.Equal("""{"c":"renewal_moment","p":{"days":26}}""", Assert.Single(first.UpdateRecommendations).TalkingPoint);

        var stored = Scores(0.2) with { ChurnReasonCodes = "471500001,471500004", ChurnReasonDetails = details, ValueIfRetained = 812.40m };
        var again = ChangeDetector.Diff(State(stored, recs: before with { TalkingPoint = """{"c":"renewal_moment","p":{"days":26}}""" }), engine, Now);
        Assert.True(again.IsEmpty);
    }

    [Fact]
    public void Diff_CustomerLeft_ClearsReasonsValueTrendAndBandHistory()
    {
        var stored = Scores(0.3) with
        {
            ChurnReasonCodes = "471500001", ChurnReasonDetails = "{}", ValueIfRetained = 500m, ChurnTrend = Names.Choices.TrendRising,
            PreviousRiskBand = Names.Choices.RiskLow, RiskBandChangedOn = Now.AddDays(-3),
        };
        var left = new ScoringOutcome(new ContactScores(Contact, null, null, null, null, null, null, null, null, null, null, null), [], null,
            Status: RetentionInsights.Scoring.ScoreStatus.Inactive);

        var change = ChangeDetector.Diff(State(stored), left, Now);

        foreach (var column in new[] { Names.Contact.ChurnReasonCodes, Names.Contact.ChurnReasonDetails, Names.Contact.ValueIfRetained,
                     Names.Contact.ChurnTrend, Names.Contact.PreviousRiskBand, Names.Contact.RiskBandChangedOn })
            Assert.Null(change.ContactColumns[column]);
    }

    [Fact]
    public void Diff_ProfilingOptOut_ClearsEveryScoreAndErasesEveryOfferAndAlertRow()
    {
        var proposal = Proposed(OfferA, 1);

        var change = ChangeDetector.Diff(State(Scores(0.4), optOut: true, recs: proposal), outcome: null, Now);

        Assert.All(change.ContactColumns.Values, Assert.Null);
        Assert.Contains(Names.Contact.ChurnProbability, change.ContactColumns.Keys);
        Assert.Contains(Names.Contact.ChurnReasons, change.ContactColumns.Keys);
        Assert.True(change.EraseDerived);
        Assert.Empty(change.CreateRecommendations);
    }

    [Fact]
    public void Diff_ProfilingOptOutAlreadyErased_WritesNothing()
    {
        Assert.True(ChangeDetector.Diff(State(Scores(null, band: null, model: null), optOut: true), outcome: null, Now).IsEmpty);
    }

    [Fact]
    public void Diff_NoChampionModel_WritesNothing()
    {
        Assert.True(ChangeDetector.Diff(State(Scores(null)), outcome: null, Now).IsEmpty);
    }

    [Fact]
    public void Diff_AlertRaisedThenCalmer_CreatesOnceAndLeavesTheOpenAlertAndItsDeadline()
    {
        var alert = new ProposedAlert(Names.Choices.WarningOrange, "• angry", -0.6, Now.AddHours(4));
        var first = ChangeDetector.Diff(State(Scores(0.1)), Outcome(0.1) with { Alert = alert, AlertEvaluated = true }, Now);
        var created = first.CreateAlert!;
        var open = State(Scores(0.1)) with { OpenAlert = created };

        var calmer = ChangeDetector.Diff(open, Outcome(0.1) with { Alert = alert with { Level = Names.Choices.WarningYellow, Signals = "• calmer", DueBy = Now.AddHours(24) }, AlertEvaluated = true }, Now);

        Assert.Equal(Names.Choices.WarningOrange, created.Level);
        Assert.Equal(Names.Choices.AlertOpen, created.Status);
        Assert.Null(calmer.UpdateAlert);
        Assert.Null(calmer.CreateAlert);
    }

    [Fact]
    public void Diff_NoEarlyWarningEvaluation_LeavesTheStoredLevelAlone()
    {
        var stored = Scores(0.1) with { EarlyWarningLevel = Names.Choices.WarningRed };

        var change = ChangeDetector.Diff(State(stored), Outcome(0.1) with { AlertEvaluated = false }, Now);

        Assert.False(change.ContactColumns.ContainsKey(Names.Contact.EarlyWarningLevel));
    }

    private static AlertRecord OpenAlert(int level, string signals) =>
        new(Guid.NewGuid(), Contact, level, signals, -0.4, Now.AddHours(20), Names.Choices.AlertOpen, null, Now.AddDays(-2), null);

    private static ScoringOutcome WithAlert(int level, string signals) =>
        Outcome(0.2) with { Alert = new ProposedAlert(level, signals, -0.6, Now.AddHours(4)), AlertEvaluated = true };

    [Fact]
    public void Diff_TodaysAlertResolvedByAnAgent_IsNotReopenedAndTheContactShowsNoLevel()
    {
        var state = State(Scores(0.2) with { EarlyWarningLevel = Names.Choices.WarningNone }) with { ResolvedAlertIds = [RowIds.Alert(Contact, Now)] };

        var change = ChangeDetector.Diff(state, WithAlert(Names.Choices.WarningRed, "angry again"), Now);

        Assert.Null(change.CreateAlert);
        Assert.False(change.ContactColumns.ContainsKey(Names.Contact.EarlyWarningLevel));
    }

    [Fact]
    public void Diff_AlertResolvedOnAnEarlierDay_DoesNotStopANewAlertToday()
    {
        var state = State(Scores(0.2)) with { ResolvedAlertIds = [RowIds.Alert(Contact, Now.AddDays(-1))] };

        var change = ChangeDetector.Diff(state, WithAlert(Names.Choices.WarningRed, "angry again"), Now);

        Assert.Equal(RowIds.Alert(Contact, Now), change.CreateAlert?.Id);
        Assert.Equal(Names.Choices.WarningRed, change.ContactColumns[Names.Contact.EarlyWarningLevel]);
    }

    [Fact]
    public void Diff_OpenAlertAtTheSameLevel_IsLeftAsTheAgentKnowsIt()
    {
        var state = State(Scores(0.2)) with { OpenAlert = OpenAlert(Names.Choices.WarningOrange, "old signals") };

        var change = ChangeDetector.Diff(state, WithAlert(Names.Choices.WarningOrange, "new, different signals"), Now);

        Assert.Null(change.UpdateAlert);
        Assert.Null(change.CreateAlert);
    }

    [Fact]
    public void Diff_OpenAlertOfAHigherLevel_KeepsTheContactsWarningLevelAtTheOpenAlert()
    {
        var state = State(Scores(0.2)) with { OpenAlert = OpenAlert(Names.Choices.WarningRed, "red signals") };

        var change = ChangeDetector.Diff(state, WithAlert(Names.Choices.WarningYellow, "yellow"), Now);

        Assert.Null(change.UpdateAlert);
        Assert.Equal(Names.Choices.WarningRed, change.ContactColumns[Names.Contact.EarlyWarningLevel]);
    }

    [Fact]
    public void Diff_HigherLevelThanTheOpenAlert_EscalatesIt()
    {
        var open = OpenAlert(Names.Choices.WarningYellow, "yellow");
        var state = State(Scores(0.2)) with { OpenAlert = open };

        var change = ChangeDetector.Diff(state, WithAlert(Names.Choices.WarningRed, "red"), Now);

        Assert.Equal(open.Id, change.UpdateAlert!.Id);
        Assert.Equal(Names.Choices.WarningRed, change.UpdateAlert.Level);
        Assert.Equal("red", change.UpdateAlert.Signals);
    }

    [Fact]
    public void Diff_SignalsLongerThanTheColumn_AreCutToItsLength()
    {
        var change = ChangeDetector.Diff(State(Scores(0.2)), WithAlert(Names.Choices.WarningOrange, new string('x', 5000)), Now);

        Assert.Equal(4000, change.CreateAlert!.Signals!.Length);
        Assert.EndsWith("…", change.CreateAlert.Signals, StringComparison.Ordinal);
    }
}
