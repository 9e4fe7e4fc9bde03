using RetentionInsights.Data.Reading;
using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Sentiment;
using Xunit.Abstractions;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

public sealed class AlertPrecisionStudyTests(SmallGeneratedOrg org, ITestOutputHelper output) : IClassFixture<SmallGeneratedOrg>
{
    private static readonly DateTime[] Monthly = Enumerable.Range(0, 8).Select(m => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(m)).ToArray();

    [Fact]
    public async Task Run_SimulatedFeedback_RaisesOrangePrecision()
    {
        var histories = new LocalOrgReader().ReadAll(org.DbPath).Histories;
        var sentiment = await MessageSentiment.ComputeAsync(new OfflineSentimentAnalyzer(), histories);
        double? Of(Guid id) => sentiment.TryGet(id, out var s) ? s : null;

        var report = new AlertPrecisionStudy(new EarlyWarningEvaluator()).Run(histories, Of, Monthly, 60, new FeedbackSimulation());

        void Print(string name, AlertPrecisionReport r)
        {
            output.WriteLine($"{name}: assessments {r.Assessments}, with problem {r.WithProblem} (base {r.BaseRate:P1}) " +
                             string.Join(", ", r.FirstProblemKinds.Select(kv => $"{kv.Key} {kv.Value}")));
            foreach (var l in r.Levels)
                output.WriteLine($"  {l.Level,-8} alerts {l.Alerts,6} problem {l.WithProblem,6} precision {l.Precision:P1}");
        }
        Print("before", report.Before);
        Print("after", report.After);
        output.WriteLine($"judged {report.JudgedAlerts} alerts of {report.CalibratedCustomers} customers");
        var before = report.Before.Levels.Single(l => l.Level == "Orange+");
        var after = report.After.Levels.Single(l => l.Level == "Orange+");
        Assert.True(after.Precision > before.Precision, $"Orange+ precision {before.Precision} before, {after.Precision} after feedback");
    }
}

public class RealProblemsTests
{
    private static readonly DateTime AsOf = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private static CustomerHistory History(IEnumerable<CaseRecord>? cases = null, IEnumerable<ActivityRecord>? activities = null, DateTime? cancelledOn = null)
    {
        var id = Guid.NewGuid();
        var contact = new ContactRecord(id, "A", AsOf.AddYears(-2), cancelledOn is null ? 0 : 1, false, false, false, false, null, null, null);
        var order = new OrderRecord(Guid.NewGuid(), id, "Contract", 0, null, AsOf.AddYears(-2), null, cancelledOn, 0, AsOf.AddYears(-2));
        return new CustomerHistory(contact, [order], [], [], (cases ?? []).ToList(), (activities ?? []).ToList(), [], [], []);
    }

    private static CaseRecord Case(int type, int? priority, Guid? parent, int inDays) =>
        new(Guid.NewGuid(), Guid.Empty, "Case", null, type, priority, null, null, parent, AsOf.AddDays(inDays), null, 0);

    [Fact]
    public void First_EscalatedComplaintWithinHorizon_IsARealProblem()
    {
        var problem = RealProblems.First(History([Case(2, 2, null, 5), Case(2, 1, null, 20)]), AsOf, 60);
        Assert.Equal(new RealProblem(AsOf.AddDays(20), ProblemKind.EscalatedComplaint), problem);
    }

    [Fact]
    public void First_QuestionsOrComplaintsAfterTheHorizon_AreNone()
    {
        Assert.Null(RealProblems.First(History([Case(1, 1, null, 5), Case(2, 1, null, 61), Case(2, 1, null, -3)]), AsOf, 60));
    }

    [Fact]
    public void First_CancellationAndOmbudsman_CountEarliestFirst()
    {
        var message = new ActivityRecord(Guid.NewGuid(), Guid.Empty, ActivityKind.Email, false, "Klacht", "Ik stap naar de Geschillencommissie.", AsOf.AddDays(9), null);
        var problem = RealProblems.First(History(activities: [message], cancelledOn: AsOf.AddDays(30)), AsOf, 60);
        Assert.Equal(ProblemKind.Ombudsman, problem!.Kind);
        Assert.Equal(ProblemKind.Churn, RealProblems.First(History(cancelledOn: AsOf.AddDays(30)), AsOf, 60)!.Kind);
    }
}
