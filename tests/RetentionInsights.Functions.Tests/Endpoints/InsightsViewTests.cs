using RetentionInsights.Functions.Endpoints;

namespace RetentionInsights.Functions.Tests.Endpoints;

public sealed class InsightsViewTests
{
    private const string Stored = "• A strongly negative message (-0.87) in the last 14 days.\n• 3 messages in 7 days\n—\n• Een sterk negatief bericht (-0,87) in de afgelopen 14 dagen.\n• 3 berichten in 7 dagen";

    [Fact]
    public void SignalHalf_BilingualAlertText_SplitsIntoEnglishAndDutchWithoutBullets()
    {
        Assert.Equal(["A strongly negative message (-0.87) in the last 14 days.", "3 messages in 7 days"], InsightsView.SignalHalf(Stored, dutch: false));
        Assert.Equal(["Een sterk negatief bericht (-0,87) in de afgelopen 14 dagen.", "3 berichten in 7 dagen"], InsightsView.SignalHalf(Stored, dutch: true));
    }

    [Fact]
    public void SignalHalf_TextWithoutSeparator_IsTheSameInBothLanguages()
    {
        Assert.Equal(["Typed by an agent"], InsightsView.SignalHalf("Typed by an agent", dutch: true));
        Assert.Equal(["Typed by an agent"], InsightsView.SignalHalf("Typed by an agent", dutch: false));
    }
}
