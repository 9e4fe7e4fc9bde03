using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Language.Tests;

public class SentimentServiceCollectionExtensionsTests
{
    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static ServiceProvider Provider(IConfiguration configuration) =>
        new ServiceCollection().AddLogging().AddSentimentAnalysis(configuration).AddEarlyWarning(configuration).BuildServiceProvider();

    [Fact]
    public void AddSentimentAnalysis_NoSettings_UsesTheOfflineAnalyzer()
    {
        using var provider = Provider(Json("{}"));
        Assert.IsType<OfflineSentimentAnalyzer>(provider.GetRequiredService<ISentimentAnalyzer>());
        Assert.NotNull(provider.GetRequiredService<EarlyWarningScanner>());
    }

    [Fact]
    public void AddSentimentAnalysis_AzureProvider_UsesTheAzureClient()
    {
        using var provider = Provider(Json("""
            { "Sentiment": { "Provider": "Azure", "Endpoint": "https://contoso-language.cognitiveservices.azure.com/", "ApiKey": "k" } }
            """));
        Assert.IsType<AzureLanguageSentimentAnalyzer>(provider.GetRequiredService<ISentimentAnalyzer>());
    }

    [Theory]
    [InlineData("""{ "Sentiment": { "Provider": "textblob" } }""", "Sentiment:Provider")]
    [InlineData("""{ "Sentiment": { "Provider": "azure", "Endpoint": "not a url", "ApiKey": "k" } }""", "Sentiment:Endpoint")]
    [InlineData("""{ "Sentiment": { "Provider": "azure", "Endpoint": "http://contoso.example/", "ApiKey": "k" } }""", "https")]
    [InlineData("""{ "EarlyWarning": { "RedFlagRepeatMessages": 1 } }""", "RedFlagRepeatMessages")]
    [InlineData("""{ "EarlyWarning": { "Yellow": { "ResponseHours": 1 }, "Red": { "ResponseHours": 4 } } }""", "Response times")]
    public void Add_InvalidSettings_FailAtStartupNamingTheSetting(string json, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Provider(Json(json)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void AddEarlyWarning_ThresholdsFromJson_DriveTheLevelsAndDueTimes()
    {
        using var provider = Provider(Json("""
            {
              "EarlyWarning": {
                "SentimentWindowDays": 21,
                "SentimentWarnThreshold": -0.4,
                "SentimentAlarmThreshold": -0.6,
                "Orange": { "ResponseHours": 2, "Owner": "Retention desk", "OwnerNl": "Retentieteam" }
              }
            }
            """));
        var options = provider.GetRequiredService<EarlyWarningOptions>();
        Assert.Equal((21, -0.4, -0.6), (options.SentimentWindowDays, options.SentimentWarnThreshold, options.SentimentAlarmThreshold));
        Assert.Equal(24, options.Yellow.ResponseHours); // untouched defaults stay

        var evaluator = provider.GetRequiredService<EarlyWarningEvaluator>();
        var asOf = new DateTime(2026, 6, 1, 8, 0, 0, DateTimeKind.Utc);
        CustomerCommunication Customer(double sentiment, int daysAgo) => new(Guid.NewGuid(),
            [new InboundMessage(Guid.NewGuid(), asOf.AddDays(-daysAgo), "a", sentiment), new InboundMessage(Guid.NewGuid(), asOf.AddDays(-daysAgo - 1), "b", sentiment)], []);

        // -0.35 warns under the default -0.3 but not under the configured -0.4.
        Assert.Equal(EarlyWarningLevel.Yellow, new EarlyWarningEvaluator().Evaluate(Customer(-0.35, 2), asOf).Level);
        Assert.Equal(EarlyWarningLevel.None, evaluator.Evaluate(Customer(-0.35, 2), asOf).Level);
        // The 21-day window sees messages the default 14-day window does not.
        Assert.Equal(EarlyWarningLevel.None, new EarlyWarningEvaluator().Evaluate(Customer(-0.45, 17), asOf).Level);
        Assert.Equal(EarlyWarningLevel.Yellow, evaluator.Evaluate(Customer(-0.45, 17), asOf).Level);
        // Orange is due within the configured 2 hours, owned by the configured team.
        var orange = evaluator.Evaluate(Customer(-0.8, 2), asOf);
        Assert.Equal((EarlyWarningLevel.Orange, asOf.AddHours(2), "Retention desk"), (orange.Level, orange.DueBy, orange.Owner));
    }

    [Fact]
    public async Task CreateAnalyzer_OfflineOptions_ScoresWithoutNetwork()
    {
        var analyzer = SentimentServiceCollectionExtensions.CreateAnalyzer(new SentimentOptions());
        var result = await analyzer.AnalyzeAsync([new SentimentDocument("1", "Ik ben niet tevreden.")]);
        Assert.Equal(SentimentLabels.Negative, result[0].Label);
    }
}
