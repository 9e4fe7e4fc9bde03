using RetentionInsights.Scoring.EarlyWarning;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

public class RedFlagsTests
{
    [Theory]
    [InlineData("Ik heb al meerdere keren gebeld.", RedFlagFamily.Escalation, "al meerdere keren")]
    [InlineData("Ik ben teleurgesteld in jullie.", RedFlagFamily.Escalation, "teleurgesteld")]
    [InlineData("Ik kijk naar alternatieve aanbieders.", RedFlagFamily.Escalation, "alternatieve aanbieders")]
    [InlineData("I will switch provider.", RedFlagFamily.Escalation, "switch provider")]
    [InlineData("DRINGEND: storing", RedFlagFamily.Urgency, "dringend")]
    [InlineData("Graag per direct oplossen.", RedFlagFamily.Urgency, "per direct")]
    [InlineData("The deadline is Friday.", RedFlagFamily.Urgency, "deadline")]
    [InlineData("Please fix this immediately.", RedFlagFamily.Urgency, "immediately")]
    [InlineData("De brief is tegenstrijdig en verwarrend.", RedFlagFamily.Uncertainty, "tegenstrijdig")]
    [InlineData("Your answer is confusing.", RedFlagFamily.Uncertainty, "confusing")]
    public void Detect_FamilyTerm_IsFoundWithItsFamily(string text, RedFlagFamily family, string term)
    {
        Assert.Contains(new RedFlagHit(family, term), RedFlags.Detect(text));
    }

    [Theory]
    [InlineData("Ik werd direct geholpen, dank u wel.")]
    [InlineData("Graag mijn meterstand doorgeven.")]
    [InlineData("Thank you for the clear letter.")]
    [InlineData("")]
    public void Detect_OrdinaryText_FindsNothing(string text)
    {
        Assert.Empty(RedFlags.Detect(text));
    }

    [Fact]
    public void Detect_LongerTermOverlapsShorter_CountsOnce()
    {
        var hits = RedFlags.Detect("Ik heb al meerdere keren gebeld.");
        Assert.Single(hits);
    }

    [Fact]
    public void Families_EachHasDutchAndEnglishTerms()
    {
        foreach (var family in Enum.GetValues<RedFlagFamily>())
        {
            var terms = RedFlags.TermsOf(family);
            Assert.True(terms.Count >= 8, $"{family} has {terms.Count} terms");
        }
    }
}
