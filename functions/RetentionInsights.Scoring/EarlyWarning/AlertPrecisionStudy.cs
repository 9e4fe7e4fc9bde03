using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Scoring.EarlyWarning;

public enum ProblemKind
{
    /// <summary>The customer left or cancelled a contract.</summary>
    Churn,
    /// <summary>A complaint case opened at high priority or as a follow-up of an earlier case.</summary>
    EscalatedComplaint,
    /// <summary>The customer named the ombudsman or the disputes committee in a message or case.</summary>
    Ombudsman,
    /// <summary>An agent marked an alert about the customer Valid.</summary>
    ValidFeedback,
}

public sealed record RealProblem(DateTime On, ProblemKind Kind);

/// <summary>
/// What counts as "a real problem" behind an alert: within the horizon after the as-of date the customer churned or cancelled,
/// had a complaint escalated, went to the ombudsman, or an agent confirmed an alert as Valid. Read from the customer's later
/// history, so it is for evaluation only, never an input of the early warning.
/// </summary>
public static class RealProblems
{
    private static readonly string[] OmbudsmanTerms = ["ombudsman", "geschillencommissie", "geschillen commissie"];

    /// <summary>The first real problem in (asOf, asOf + horizon]; null when there was none.</summary>
    public static RealProblem? First(CustomerHistory history, DateTime asOf, int horizonDays, bool countAgentFeedback = true)
    {
        ArgumentNullException.ThrowIfNull(history);
        var end = asOf.AddDays(horizonDays);
        bool Within(DateTime t) => t > asOf && t <= end;
        var found = new List<RealProblem>();
        if (history.ChurnedOn is { } churned && Within(churned))
            found.Add(new RealProblem(churned, ProblemKind.Churn));
        found.AddRange(history.Orders.Where(o => o.CancelledOn is { } c && Within(c)).Select(o => new RealProblem(o.CancelledOn!.Value, ProblemKind.Churn)));
        found.AddRange(history.Cases
            .Where(c => c.CaseType == Names.Standard.CaseTypeProblem && (c.Priority == HighPriority || c.ParentCaseId is not null) && Within(c.CreatedOn))
            .Select(c => new RealProblem(c.CreatedOn, ProblemKind.EscalatedComplaint)));
        found.AddRange(history.Cases.Where(c => Within(c.CreatedOn) && MentionsOmbudsman(c.Title + " " + c.Description))
            .Select(c => new RealProblem(c.CreatedOn, ProblemKind.Ombudsman)));
        found.AddRange(history.Activities.Where(a => !a.Outgoing && Within(a.On) && MentionsOmbudsman(a.Subject + " " + a.Text))
            .Select(a => new RealProblem(a.On, ProblemKind.Ombudsman)));
        // An alert raised at the as-of date itself and later confirmed counts too.
        if (countAgentFeedback)
        {
            found.AddRange(history.Alerts.Where(a => a.Feedback == Names.Choices.FeedbackValid && a.CreatedOn >= asOf && a.CreatedOn <= end)
                .Select(a => new RealProblem(a.CreatedOn, ProblemKind.ValidFeedback)));
        }
        return found.OrderBy(p => p.On).FirstOrDefault();
    }

    /// <summary>prioritycode 1: high.</summary>
    private const int HighPriority = 1;

    private static bool MentionsOmbudsman(string text) =>
        OmbudsmanTerms.Any(t => text.Contains(t, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Precision of one level: alerts at exactly that level (or at least it, for "Orange+") followed by a real problem.</summary>
public sealed record LevelPrecision(string Level, int Alerts, int WithProblem, double? Precision);

public sealed record AlertPrecisionReport(
    int HorizonDays,
    int Assessments,
    /// <summary>Assessments followed by a real problem, alert or not.</summary>
    int WithProblem,
    double BaseRate,
    IReadOnlyList<LevelPrecision> Levels,
    IReadOnlyDictionary<ProblemKind, int> FirstProblemKinds);

/// <summary>One customer assessed at one date, with the first real problem that followed (if any).</summary>
public sealed record AssessedOutcome(Guid ContactId, DateTime AsOf, EarlyWarningLevel Level, double? MeanSentiment, RealProblem? Problem);

public static class AlertPrecision
{
    public static AlertPrecisionReport Evaluate(IReadOnlyList<AssessedOutcome> outcomes, int horizonDays)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        LevelPrecision Of(string name, Func<EarlyWarningLevel, bool> selects)
        {
            var alerts = outcomes.Where(o => selects(o.Level)).ToList();
            var hits = alerts.Count(o => o.Problem is not null);
            return new LevelPrecision(name, alerts.Count, hits, alerts.Count == 0 ? null : Math.Round((double)hits / alerts.Count, 4));
        }
        var withProblem = outcomes.Count(o => o.Problem is not null);
        return new AlertPrecisionReport(
            horizonDays,
            outcomes.Count,
            withProblem,
            outcomes.Count == 0 ? 0 : Math.Round((double)withProblem / outcomes.Count, 4),
            [
                Of("Yellow", l => l == EarlyWarningLevel.Yellow),
                Of("Orange", l => l == EarlyWarningLevel.Orange),
                Of("Red", l => l == EarlyWarningLevel.Red),
                Of("Orange+", l => l >= EarlyWarningLevel.Orange),
            ],
            outcomes.Where(o => o.Problem is not null).GroupBy(o => o.Problem!.Kind).ToDictionary(g => g.Key, g => g.Count()));
    }
}

/// <summary>How the simulated agents judge alerts: which share they judge, after how many days, and how often they err.</summary>
public sealed record FeedbackSimulation(double Coverage = 0.8, int JudgedAfterDays = 7, double AgentErrorRate = 0.1, int Seed = 7);

public sealed record FeedbackStudyReport(
    IReadOnlyList<DateTime> EvaluatedDates,
    /// <summary>Precision per level with the product defaults for every customer.</summary>
    AlertPrecisionReport Before,
    /// <summary>The same dates with every customer calibrated from the feedback agents gave before each date.</summary>
    AlertPrecisionReport After,
    int JudgedAlerts,
    int CalibratedCustomers);

/// <summary>
/// Replays the early warning over a history at a series of as-of dates and measures each level against the real problems that
/// followed. With a <see cref="FeedbackSimulation"/>, simulated agents judge the alerts of each date (Valid when a real problem
/// followed, wrong at the given rate), and later dates are assessed with <see cref="AlertFeedbackCalibration"/> built from the
/// verdicts given by then: the before/after comparison shows what the feedback loop buys. Deterministic for a given seed.
/// </summary>
public sealed class AlertPrecisionStudy(EarlyWarningEvaluator evaluator)
{
    private readonly EarlyWarningEvaluator _evaluator = evaluator ?? throw new ArgumentNullException(nameof(evaluator));

    /// <summary>Assesses every customer of <paramref name="histories"/> who is a customer at each date.</summary>
    public IReadOnlyList<AssessedOutcome> Assess(IReadOnlyList<CustomerHistory> histories, Func<Guid, double?> sentimentOf, DateTime asOf,
        int horizonDays, AlertFeedbackCalibration? calibration = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var outcomes = new List<AssessedOutcome>();
        foreach (var history in histories)
        {
            if (history.Contact.CreatedOn > asOf || history.ChurnedOn is { } left && left <= asOf)
                continue;
            var communication = EarlyWarningEvaluator.FromHistory(history, sentimentOf);
            var assessment = _evaluator.Evaluate(communication, asOf, calibration?.For(history.Contact.Id, asOf));
            // Agent feedback is what this study simulates, so the org's own stored verdicts do not count as truth here.
            outcomes.Add(new AssessedOutcome(history.Contact.Id, asOf, assessment.Level, assessment.MeanSentiment,
                RealProblems.First(history, asOf, horizonDays, countAgentFeedback: false)));
        }
        return outcomes;
    }

    /// <summary>
    /// Runs the dates in order. The first date only gathers feedback; the report covers the later ones, before and after
    /// calibration.
    /// </summary>
    public FeedbackStudyReport Run(IReadOnlyList<CustomerHistory> histories, Func<Guid, double?> sentimentOf, IReadOnlyList<DateTime> asOfDates,
        int horizonDays, FeedbackSimulation simulation)
    {
        ArgumentNullException.ThrowIfNull(asOfDates);
        ArgumentNullException.ThrowIfNull(simulation);
        if (asOfDates.Count < 2)
            throw new ArgumentException("Give at least two as-of dates: the first gathers feedback, the later ones are measured.", nameof(asOfDates));
        if (simulation.Coverage is < 0 or > 1 || simulation.AgentErrorRate is < 0 or > 0.5)
            throw new ArgumentException("Coverage must be in [0, 1] and the agent error rate in [0, 0.5].", nameof(simulation));
        var dates = asOfDates.Distinct().Order().ToList();
        var random = new Random(simulation.Seed);
        var judged = new List<JudgedAlert>();
        var before = new List<AssessedOutcome>();
        var after = new List<AssessedOutcome>();
        foreach (var asOf in dates)
        {
            var calibration = new AlertFeedbackCalibration(judged, _evaluator.Options);
            var calibrated = Assess(histories, sentimentOf, asOf, horizonDays, calibration);
            if (asOf != dates[0])
            {
                before.AddRange(Assess(histories, sentimentOf, asOf, horizonDays));
                after.AddRange(calibrated);
            }
            // Agents judge the alerts the product actually raised (the calibrated ones).
            foreach (var outcome in calibrated.Where(o => o.Level != EarlyWarningLevel.None).OrderBy(o => o.ContactId))
            {
                if (random.NextDouble() >= simulation.Coverage)
                    continue;
                var valid = outcome.Problem is not null;
                if (random.NextDouble() < simulation.AgentErrorRate)
                    valid = !valid;
                judged.Add(new JudgedAlert(outcome.ContactId, asOf, outcome.Level, outcome.MeanSentiment, valid, asOf.AddDays(simulation.JudgedAfterDays)));
            }
        }
        return new FeedbackStudyReport(dates.Skip(1).ToList(), AlertPrecision.Evaluate(before, horizonDays), AlertPrecision.Evaluate(after, horizonDays),
            judged.Count, judged.Select(j => j.ContactId).Distinct().Count());
    }
}
