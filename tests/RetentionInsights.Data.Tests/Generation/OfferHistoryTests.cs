using RetentionInsights.Data.Campaign;
using RetentionInsights.Data.Generation;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Tests.Generation;

/// <summary>The planted retention-offer history and truth: randomised, held out for the control group, heterogeneous.</summary>
public sealed class OfferHistoryTests : IClassFixture<OfferHistoryTests.Org>
{
    /// <summary>2,500 contacts with a truth window that is exactly one control-group period (2026-04-01 .. 2026-07-01).</summary>
    public sealed class Org : IDisposable
    {
        public static readonly DateTime TruthAsOf = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        public TempDirectory Dir { get; } = new();
        public string Db => Dir.File("org.db");
        public GenerationSummary Result { get; }

        public Org() => Result = OrgGenerator.Generate(Db, new GeneratorOptions { Contacts = 2_500, Seed = 3, TruthAsOf = TruthAsOf, TruthHorizonDays = 91 });

        public void Dispose() => Dir.Dispose();
    }

    private readonly Org _org;

    public OfferHistoryTests(Org org) => _org = org;

    private (Guid Contact, Guid Offer, DateTime CreatedOn)[] Recommendations()
    {
        using var c = LocalOrgDatabase.OpenExisting(_org.Db, readOnly: true);
        using var command = c.CreateCommand();
        command.CommandText = "SELECT rtn_contactid, rtn_offerid, createdon FROM rtn_offerrecommendation";
        using var reader = command.ExecuteReader();
        var list = new List<(Guid, Guid, DateTime)>();
        while (reader.Read())
            list.Add((Guid.Parse(reader.GetString(0)), Guid.Parse(reader.GetString(1)), DateTime.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)));
        return list.ToArray();
    }

    [Fact]
    public void Generate_History_ControlGroupOfEachPeriodGetsNoOffer()
    {
        var recommendations = Recommendations();
        Assert.True(recommendations.Length > 1000, $"only {recommendations.Length} past offers");
        Assert.DoesNotContain(recommendations, r => RetentionGroups.IsControl(r.Contact, r.CreatedOn));
    }

    [Fact]
    public void Generate_History_OffersAreDrawnUniformlyFromTheCatalogue()
    {
        var recommendations = Recommendations();
        var catalogue = new OfferCatalogue(3).Offers;
        foreach (var offer in catalogue)
        {
            var share = recommendations.Count(r => r.Offer == offer.Id) / (double)recommendations.Length;
            var se = Math.Sqrt(0.125 * 0.875 / recommendations.Length);
            Assert.InRange(share, 0.125 - 4 * se, 0.125 + 4 * se);
        }
    }

    [Fact]
    public void Truth_CampaignReplays_ReproduceTheRealisedOutcomeOfTheActualGroup()
    {
        var truth = _org.Result.Truth;
        Assert.Contains(truth, t => t.InControlGroup);
        Assert.All(truth, t => Assert.Equal(t.ChurnedWithinHorizon, t.InControlGroup ? t.ChurnedIfControl : t.ChurnedIfTreated));
        // Some customers' outcome depends on the group: the campaign has an effect to measure, both ways.
        Assert.Contains(truth, t => t.ChurnedIfControl && !t.ChurnedIfTreated);
    }

    [Fact]
    public void Truth_OfferEffects_AreHeterogeneous()
    {
        var truth = _org.Result.Truth;
        double Reduction(TruthRow t, OfferTruth o) => t.ObservableProbability - (o.Acceptance * o.ChurnIfAccepted + (1 - o.Acceptance) * t.ChurnIfDeclined);
        var best = truth.Select(t => t.Offers.Max(o => Reduction(t, o))).ToArray();
        var persuadable = best.Count(b => b >= 0.01) / (double)truth.Count;
        var annoyed = truth.Count(t => t.Offers.All(o => Reduction(t, o) < 0)) / (double)truth.Count;
        var unmoved = best.Count(b => Math.Abs(b) < 0.002) / (double)truth.Count;
        Assert.InRange(persuadable, 0.02, 0.5);  // an offer keeps them
        Assert.InRange(annoyed, 0.005, 0.15);    // a few whom any call pushes away
        Assert.True(unmoved > 0.3, $"only {unmoved:P0} sure things / lost causes"); // most customers stay or go whatever we offer
        Assert.All(truth, t =>
        {
            Assert.Equal(8, t.Offers.Count);
            Assert.All(t.Offers, o => Assert.InRange(o.Acceptance, 0.01, 0.9));
            Assert.All(t.Offers, o => Assert.InRange(o.ChurnIfAccepted, 0, 1));
        });
        // A fixed price keeps the customers it suits (contract about to end) far better than a green upgrade keeps anyone: the
        // strongest effects (99th percentile) differ by offer, not just by customer.
        double Top(string code)
        {
            var id = new OfferCatalogue(3).Offers.Single(o => o.Code == code).Id;
            var reductions = truth.Select(t => t.ObservableProbability - t.Offers.Single(o => o.OfferId == id).ChurnIfAccepted).Order().ToArray();
            return reductions[(int)(0.99 * reductions.Length)];
        }
        Assert.True(Top("FIX3Y") > 1.5 * Top("GREEN"), $"FIX3Y {Top("FIX3Y"):0.000} vs GREEN {Top("GREEN"):0.000}");
    }

    [Fact]
    public void TrueEffect_MovingCustomer_IsALostCauseAndComplainerIsAnnoyed()
    {
        var calm = new CustomerSimulator.HazardInputs(0, 0, 0, true, true, false, 3, false, 0);
        Assert.True(OfferCatalogue.TrueEffect(Names.Choices.OfferFixedPrice, calm, 1).IfAccepted < -1);
        Assert.Equal(0, OfferCatalogue.TrueEffect(Names.Choices.OfferFixedPrice, calm, 1).OfContact);
        Assert.Equal(0, OfferCatalogue.TrueEffect(Names.Choices.OfferFixedPrice, calm with { UsageDrop = true }, 1).IfAccepted);
        Assert.True(OfferCatalogue.TrueEffect(Names.Choices.OfferDiscount, calm with { Complaints90 = 3 }, 1).OfContact > 0);
    }
}
