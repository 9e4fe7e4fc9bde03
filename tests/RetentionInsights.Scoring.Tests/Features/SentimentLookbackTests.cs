using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Tests.Engine;
using RetentionInsights.Scoring.Tests.Support;

namespace RetentionInsights.Scoring.Tests.Features;

/// <summary>
/// Scoring analyses only the messages of the last <see cref="FeatureBuilder.SentimentLookbackDays"/> days (or the early
/// warning's look-back, if longer): every feature and every early-warning assessment must come out the same as with the
/// sentiment of every message the customer ever sent.
/// </summary>
[Collection(GeneratedOrgCollection.Name)]
public sealed class SentimentLookbackTests(GeneratedOrgFixture fixture)
{
    private static readonly DateTime[] ScoringDates = [GeneratedOrg.Until, GeneratedOrg.Until.AddDays(-97)];

    private Dictionary<Guid, double> AllSentiment() =>
        fixture.Org.Data.Histories.SelectMany(h => h.Activities)
            .Select(a => (a.Id, Found: fixture.Sentiment.TryGet(a.Id, out var s), Score: s))
            .Where(x => x.Found).ToDictionary(x => x.Id, x => x.Score);

    private static MessageSentiment Since(Dictionary<Guid, double> all, IEnumerable<ActivityRecord> messages, DateTime since, DateTime asOf) =>
        new(messages.Where(a => a.On >= since && a.On <= asOf && all.ContainsKey(a.Id)).ToDictionary(a => a.Id, a => all[a.Id]));

    private int ContactsWhoseFeaturesDiffer(int lookbackDays, DateTime asOf, Dictionary<Guid, double> all)
    {
        var everything = new MessageSentiment(all);
        var differ = 0;
        foreach (var h in fixture.Org.Data.Histories)
        {
            var recent = Since(all, h.Activities, asOf.AddDays(-lookbackDays - 1), asOf);
            if (!FeatureBuilder.Build(h, asOf, everything).SequenceEqual(FeatureBuilder.Build(h, asOf, recent)))
                differ++;
        }
        return differ;
    }

    [Fact]
    public void Features_OnlyMessagesOfTheLookback_SameAsEveryMessage()
    {
        var all = AllSentiment();
        foreach (var asOf in ScoringDates)
        {
            // The org has analysed messages older than the look-back, so leaving them out is tested, not assumed.
            Assert.Contains(fixture.Org.Data.Histories.SelectMany(h => h.Activities),
                a => all.ContainsKey(a.Id) && a.On < asOf.AddDays(-FeatureBuilder.SentimentLookbackDays - 1));
            Assert.Equal(0, ContactsWhoseFeaturesDiffer(FeatureBuilder.SentimentLookbackDays, asOf, all));
        }
        // A shorter look-back does change features: the comparison can fail.
        Assert.True(ContactsWhoseFeaturesDiffer(FeatureBuilder.SentimentLookbackDays - 60, GeneratedOrg.Until, all) > 0);
    }

    [Fact]
    public void EarlyWarning_OnlyMessagesOfItsLookback_SameAssessmentAsEveryMessage()
    {
        var all = AllSentiment();
        var evaluator = new EarlyWarningEvaluator();
        var lookback = evaluator.Options.LookbackDays;
        var raised = 0;
        foreach (var asOf in ScoringDates)
        {
            foreach (var h in fixture.Org.Data.Histories)
            {
                var recent = Since(all, h.Activities, asOf.AddDays(-lookback - 1), asOf);
                var full = evaluator.Evaluate(EarlyWarningEvaluator.FromHistory(h, id => all.TryGetValue(id, out var s) ? s : null), asOf);
                var windowed = evaluator.Evaluate(EarlyWarningEvaluator.FromHistory(h, id => recent.TryGet(id, out var s) ? s : null), asOf);
                Assert.Equal(full.Level, windowed.Level);
                Assert.Equal(full.Points, windowed.Points);
                Assert.Equal(full.MeanSentiment, windowed.MeanSentiment);
                Assert.Equal(full.MessagesInWindow, windowed.MessagesInWindow);
                Assert.Equal(full.SignalsText(), windowed.SignalsText());
                raised += full.RaisesAlert ? 1 : 0;
            }
        }
        Assert.True(raised > 0, "no contact raised an alert, so the comparison would prove nothing");
    }
}
