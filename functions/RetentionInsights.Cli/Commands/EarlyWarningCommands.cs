using System.CommandLine;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using RetentionInsights.Data.Alerts;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Language;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Sentiment;
using Spectre.Console;
using RetentionInsights.Functions.EarlyWarning;

namespace RetentionInsights.Cli.Commands;

/// <summary>
/// `rtn sentiment evaluate` and `rtn warnings scan|evaluate|kpi|feedback`: the communication early warning on the local org.
/// Settings come from an optional JSON file (--config) with the sections "Sentiment" and "EarlyWarning".
/// </summary>
public sealed class EarlyWarningCommands : IVerbGroup
{
    public IEnumerable<Command> Create()
    {
        var sentiment = new Command("sentiment", "Sentiment analysis of customer messages (offline nl/en analyzer or Azure AI Language).");
        sentiment.Subcommands.Add(SentimentEvaluate());
        yield return sentiment;

        var warnings = new Command("warnings", "Communication early warning: Yellow/Orange/Red retention alerts.");
        warnings.Subcommands.Add(Scan());
        warnings.Subcommands.Add(Evaluate());
        warnings.Subcommands.Add(Kpi());
        warnings.Subcommands.Add(Feedback());
        warnings.Subcommands.Add(Precision());
        yield return warnings;
    }

    private static Option<string?> ConfigOption() =>
        new("--config") { Description = "JSON settings file with sections \"Sentiment\" (Provider offline|azure, Endpoint, ApiKey) and \"EarlyWarning\" (thresholds)." };

    private static Command SentimentEvaluate()
    {
        var messages = new Option<string>("--messages") { Description = "CSV with columns text,language,label (negative/neutral/positive).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout." };
        var config = ConfigOption();
        var command = new Command("evaluate", "Score a labelled message file and print accuracy and macro-F1.") { messages, json, config };
        command.SetAction((r, ct) => RunAsync(async () =>
        {
            var path = r.GetValue(messages)!;
            if (!File.Exists(path))
                throw new CliInputException($"--messages: no file at '{path}'.");
            IReadOnlyList<LabelledMessage> rows;
            using (var reader = new StreamReader(path))
                rows = LabelledMessageCsv.Read(reader, path);
            if (rows.Count == 0)
                throw new CliInputException($"{path}: no messages after the header.");
            var settings = LoadConfiguration(r.GetValue(config));
            var options = SentimentServiceCollectionExtensions.BindSentimentOptions(settings);
            var analyzer = SentimentServiceCollectionExtensions.CreateAnalyzer(options);
            var report = await SentimentEvaluation.EvaluateAsync(analyzer, rows, ct);
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(new { file = path, provider = options.Provider, report });
                return 0;
            }
            var console = CliSupport.Stdout();
            console.MarkupLine($"[bold]{Markup.Escape(path)}[/]: {report.Messages} messages, provider {Markup.Escape(options.Provider)}");
            console.MarkupLine($"accuracy [bold]{report.Accuracy:0.000}[/], macro-F1 [bold]{report.MacroF1:0.000}[/] " +
                string.Join(", ", report.MacroF1ByLanguage.Select(kv => $"{kv.Key} {kv.Value:0.000}")));
            var table = new Table().AddColumns("label", "support", "precision", "recall", "F1");
            foreach (var c in report.Classes)
                table.AddRow(c.Label, c.Support.ToString(), $"{c.Precision:0.000}", $"{c.Recall:0.000}", $"{c.F1:0.000}");
            console.Write(table);
            foreach (var (language, part) in report.Languages)
            {
                console.MarkupLine($"[bold]{language}[/] ({part.Messages}): macro-F1 {part.MacroF1:0.000}, recall " +
                    string.Join(", ", part.Classes.Select(c => $"{c.Label} {c.Recall:0.000}")));
            }
            return 0;
        }));
        return command;
    }

    private static Command Scan()
    {
        var db = new Option<string>("--db") { Description = "Local org database.", Required = true };
        var asOf = new Option<string?>("--as-of") { Description = "Scan as of this date (yyyy-MM-dd, UTC); default now." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout." };
        var config = ConfigOption();
        var command = new Command("scan", "Assess every customer's recent communication and raise rtn_retentionalert rows (no duplicates while one is open).")
        {
            db, asOf, json, config,
        };
        command.SetAction((r, ct) => RunAsync(async () =>
        {
            var at = r.GetValue(asOf) is { } text ? CliSupport.ParseDate(text, "--as-of") : DateTime.UtcNow;
            var runner = Runner(LoadConfiguration(r.GetValue(config)));
            using var connection = LocalOrgDatabase.OpenExisting(r.GetValue(db)!);
            var clock = Stopwatch.StartNew();
            Console.Error.WriteLine($"Scanning {r.GetValue(db)} as of {at:yyyy-MM-dd HH:mm} UTC...");
            var report = await runner.ScanAsync(new AlertStore(connection), at, ct);
            var seconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(new { database = r.GetValue(db), seconds, report });
                return 0;
            }
            var console = CliSupport.Stdout();
            console.MarkupLine($"Assessed [bold]{report.CustomersAssessed:N0}[/] customers with recent contact ({report.MessagesScored:N0} messages) in {seconds} s.");
            var table = new Table().AddColumns("level", "flagged", "new alerts", "escalated", "already open", "resolved today");
            AddRow(table, "[yellow]Yellow[/]", r => r.Yellow, report);
            AddRow(table, "[orange1]Orange[/]", r => r.Orange, report);
            AddRow(table, "[red]Red[/]", r => r.Red, report);
            console.Write(table);
            return 0;
        }));
        return command;

        static void AddRow(Table table, string label, Func<LevelCounts, int> pick, WarningScanReport report) =>
            table.AddRow(label, $"{pick(report.Levels):N0}", $"{pick(report.Created):N0}", $"{pick(report.Escalated):N0}", $"{pick(report.AlreadyOpen):N0}", $"{pick(report.ResolvedToday):N0}");
    }

    private static Command Evaluate()
    {
        var db = new Option<string>("--db") { Description = "Local org database.", Required = true };
        var asOf = new Option<string[]>("--as-of") { Description = "One or more as-of dates (yyyy-MM-dd).", Required = true, AllowMultipleArgumentsPerToken = true };
        var horizon = new Option<int>("--horizon-days") { Description = "An alert is right when the customer churned within this many days.", DefaultValueFactory = _ => 60 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout." };
        var config = ConfigOption();
        var command = new Command("evaluate", "Measure precision and recall of the levels a scan would raise at past dates against later churn (read-only).")
        {
            db, asOf, horizon, json, config,
        };
        command.SetAction((r, ct) => RunAsync(async () =>
        {
            var dates = r.GetValue(asOf)!.Select(d => CliSupport.ParseDate(d, "--as-of")).ToList();
            var days = r.GetValue(horizon);
            if (days < 1)
                throw new CliInputException("--horizon-days must be at least 1.");
            var runner = Runner(LoadConfiguration(r.GetValue(config)));
            using var connection = LocalOrgDatabase.OpenExisting(r.GetValue(db)!, readOnly: true);
            var report = await runner.EvaluateAsync(new AlertStore(connection), dates, days, ct);
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(new { database = r.GetValue(db), report });
                return 0;
            }
            var console = CliSupport.Stdout();
            var overall = report.Overall;
            console.MarkupLine($"{overall.Assessments:N0} customer assessments at {report.AsOf.Count} dates; {overall.Churners:N0} churned within {days} days " +
                               $"(base rate {overall.BaseRate:P2}); {overall.ChurnersWithRecentContact:N0} of them made contact in the window before.");
            var table = new Table().AddColumns("alerts at", "alerts", "churned", "precision", "recall", "recall (contacting churners)", "lift", "median days to churn");
            foreach (var level in overall.Levels)
            {
                table.AddRow(level.MinimumLevel, $"{level.Alerts:N0}", $"{level.TruePositives:N0}", $"{level.Precision:P1}", $"{level.Recall:P1}",
                    $"{level.RecallAmongContacting:P1}", $"{level.Lift:0.0}", $"{level.MedianDaysBeforeChurn:0}");
            }
            console.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Kpi()
    {
        var db = new Option<string>("--db") { Description = "Local org database.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the KPIs as JSON on stdout." };
        var command = new Command("kpi", "Alerts per week, share valid (agent feedback) and time to resolution.") { db, json };
        command.SetAction(r => CliSupport.Run(() =>
        {
            using var connection = LocalOrgDatabase.OpenExisting(r.GetValue(db)!, readOnly: true);
            var kpis = AlertKpis.Compute(new AlertStore(connection).All());
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(kpis);
                return 0;
            }
            var console = CliSupport.Stdout();
            var table = new Table().AddColumns("KPI", "value");
            table.AddRow("Alerts (open / resolved)", $"{kpis.Alerts:N0} ({kpis.Open:N0} / {kpis.Resolved:N0})");
            table.AddRow("Yellow / Orange / Red", $"{kpis.ByLevel["Yellow"]:N0} / {kpis.ByLevel["Orange"]:N0} / {kpis.ByLevel["Red"]:N0}");
            table.AddRow("Alerts per week", $"{kpis.AlertsPerWeek:0.0}");
            table.AddRow("Share valid (of alerts with feedback)", kpis.ShareValid is { } v ? $"{v:P1} ({kpis.Valid} valid, {kpis.FalseAlarm} false alarm)" : "no feedback yet");
            table.AddRow("Feedback coverage", $"{kpis.FeedbackCoverage:P1}");
            table.AddRow("Time to resolution (mean / median)", kpis.MeanHoursToResolution is { } m ? $"{m:0.0} h / {kpis.MedianHoursToResolution:0.0} h" : "none resolved");
            table.AddRow("Resolved before due-by", kpis.ShareResolvedInTime is { } t ? $"{t:P1}" : "-");
            console.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Feedback()
    {
        var db = new Option<string>("--db") { Description = "Local org database.", Required = true };
        var alert = new Option<string>("--alert") { Description = "rtn_retentionalertid of the alert.", Required = true };
        var verdict = new Option<string>("--verdict") { Description = "valid or false-alarm.", Required = true };
        var at = new Option<string?>("--at") { Description = "When the agent resolved it (yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-dd); default now." };
        var command = new Command("feedback", "Record an agent's verdict on an alert and resolve it.") { db, alert, verdict, at };
        command.SetAction(r => CliSupport.Run(() =>
        {
            if (!Guid.TryParse(r.GetValue(alert), out var id))
                throw new CliInputException($"--alert: '{r.GetValue(alert)}' is not an alert id (GUID).");
            var feedback = r.GetValue(verdict)!.Trim().ToLowerInvariant() switch
            {
                "valid" => Names.Choices.FeedbackValid,
                "false-alarm" or "falsealarm" => Names.Choices.FeedbackFalseAlarm,
                var other => throw new CliInputException($"--verdict: '{other}' must be valid or false-alarm."),
            };
            var when = r.GetValue(at) is { } text ? CliSupport.ParseDate(text, "--at") : DateTime.UtcNow;
            using var connection = LocalOrgDatabase.OpenExisting(r.GetValue(db)!);
            if (!new AlertStore(connection).RecordFeedback(id, feedback, when))
                throw new CliInputException($"--alert: no alert {id} in {r.GetValue(db)}.");
            Console.Error.WriteLine($"Alert {id} resolved as {r.GetValue(verdict)}.");
            return 0;
        }));
        return command;
    }

    private static Command Precision()
    {
        var db = new Option<string>("--db") { Description = "Local org database.", Required = true };
        var asOf = new Option<string[]>("--as-of") { Description = "Two or more as-of dates (yyyy-MM-dd); the first only gathers feedback.", Required = true, AllowMultipleArgumentsPerToken = true };
        var horizon = new Option<int>("--horizon-days") { Description = "A real problem must follow within this many days.", DefaultValueFactory = _ => 60 };
        var coverage = new Option<double>("--feedback-coverage") { Description = "Share of alerts the simulated agents judge.", DefaultValueFactory = _ => 0.8 };
        var error = new Option<double>("--agent-error") { Description = "Share of verdicts the simulated agents get wrong.", DefaultValueFactory = _ => 0.1 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout." };
        var config = ConfigOption();
        var command = new Command("precision",
            "Precision per level against real problems (churn or cancellation, escalated complaint, ombudsman, Valid feedback) before and after a simulated agent-feedback run (read-only).")
        {
            db, asOf, horizon, coverage, error, json, config,
        };
        command.SetAction((r, ct) => RunAsync(async () =>
        {
            var dates = r.GetValue(asOf)!.Select(d => CliSupport.ParseDate(d, "--as-of")).ToList();
            var days = r.GetValue(horizon);
            if (days < 1)
                throw new CliInputException("--horizon-days must be at least 1.");
            var settings = LoadConfiguration(r.GetValue(config));
            var analyzer = SentimentServiceCollectionExtensions.CreateAnalyzer(SentimentServiceCollectionExtensions.BindSentimentOptions(settings));
            var evaluator = new EarlyWarningEvaluator(SentimentServiceCollectionExtensions.BindEarlyWarningOptions(settings));
            Console.Error.WriteLine($"Reading {r.GetValue(db)} and scoring messages...");
            var histories = new RetentionInsights.Data.Reading.LocalOrgReader().ReadAll(r.GetValue(db)!).Histories;
            var sentiment = await RetentionInsights.Scoring.Features.MessageSentiment.ComputeAsync(analyzer, histories, cancellationToken: ct);
            var report = new AlertPrecisionStudy(evaluator).Run(histories, id => sentiment.TryGet(id, out var s) ? s : null, dates, days,
                new FeedbackSimulation(r.GetValue(coverage), AgentErrorRate: r.GetValue(error)));
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(new { database = r.GetValue(db), report });
                return 0;
            }
            var console = CliSupport.Stdout();
            console.MarkupLine($"{report.Before.Assessments:N0} assessments at {report.EvaluatedDates.Count} dates; {report.Before.WithProblem:N0} followed by a real problem " +
                               $"within {days} days (base rate {report.Before.BaseRate:P1}). Simulated agents judged {report.JudgedAlerts:N0} alerts.");
            var table = new Table().AddColumns("level", "alerts before", "precision before", "alerts after feedback", "precision after feedback");
            foreach (var (before, after) in report.Before.Levels.Zip(report.After.Levels))
                table.AddRow(before.Level, $"{before.Alerts:N0}", $"{before.Precision:P1}", $"{after.Alerts:N0}", $"{after.Precision:P1}");
            console.Write(table);
            return 0;
        }));
        return command;
    }

    private static WarningScanRunner Runner(IConfiguration configuration)
    {
        var analyzer = SentimentServiceCollectionExtensions.CreateAnalyzer(SentimentServiceCollectionExtensions.BindSentimentOptions(configuration));
        var evaluator = new EarlyWarningEvaluator(SentimentServiceCollectionExtensions.BindEarlyWarningOptions(configuration));
        return new WarningScanRunner(new EarlyWarningScanner(analyzer, evaluator));
    }

    private static IConfiguration LoadConfiguration(string? path)
    {
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            if (!File.Exists(path))
                throw new CliInputException($"--config: no file at '{path}'.");
            builder.AddJsonFile(Path.GetFullPath(path), optional: false);
        }
        // RTN_Sentiment__ApiKey and the like keep secrets out of files and shell history.
        builder.AddEnvironmentVariables("RTN_");
        return builder.Build();
    }

    /// <summary>Async counterpart of <see cref="CliSupport.Run"/>, adding the settings and service errors this area can raise.</summary>
    private static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is CliInputException or ArgumentException or IOException or InvalidDataException or FormatException
                                       or UnauthorizedAccessException or InvalidOperationException or SentimentServiceException or SqliteException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return CliSupport.BadInput;
        }
    }
}
