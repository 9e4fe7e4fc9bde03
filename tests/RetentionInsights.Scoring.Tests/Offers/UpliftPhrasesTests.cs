using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Uplift;

namespace RetentionInsights.Scoring.Tests.Offers;

/// <summary>The talking point of an offer card names the customer trait that makes the offer keep them.</summary>
public sealed class UpliftPhrasesTests
{
    [Fact]
    public void Phrases_AreWrittenOnlyForTraitsTheUpliftModelHas()
    {
        Assert.All(OfferSelector.PhrasedCovariates, name => Assert.Contains(name, UpliftCovariates.Names));
        Assert.Equal(UpliftCovariates.Count, OfferSelector.UpliftPhrases.Length);
    }

    [Fact]
    public void Phrases_EveryReasonAnOfferTypeIsDesignedToAnswer_HasATalkingPointInEnglishAndDutch()
    {
        // Falling usage and repeated dissatisfaction are modifiers no offer answers: they are never a reason to make one.
        var options = new UpliftLearnerOptions();
        var answered = options.TypeModifiers.Values.SelectMany(m => m).Concat(options.AcceptedModifiers)
            .Where(n => n is not ("usage_drop" or "dissatisfied_several")).Distinct().ToArray();
        Assert.NotEmpty(answered);
        Assert.All(answered, name =>
        {
            var phrase = OfferSelector.UpliftPhrases[Array.IndexOf(UpliftCovariates.Names, name)];
            Assert.False(string.IsNullOrEmpty(phrase.En), $"no English talking point for {name}");
            Assert.False(string.IsNullOrEmpty(phrase.Nl), $"no Dutch talking point for {name}");
        });
    }
}
