using System.CommandLine;
using System.Diagnostics;
using RetentionInsights.Data.Csv;
using RetentionInsights.Data.Generation;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Summary;
using Spectre.Console;

namespace RetentionInsights.Cli.Commands;

/// <summary>`rtn generate`, `rtn summary`, `rtn import`, `rtn export`: the local org and its data.</summary>
public sealed class DataCommands : IVerbGroup
{
    public IEnumerable<Command> Create()
    {
        yield return Generate();
        yield return SummaryVerb();
        yield return Import();
        yield return Export();
    }

    private static Command Generate()
    {
        var contacts = new Option<int>("--contacts") { Description = "Number of contacts to simulate.", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same org.", DefaultValueFactory = _ => 42 };
        var db = new Option<string>("--db") { Description = "Path of the local org database to create.", Required = true };
        var until = new Option<string>("--until") { Description = "End of the simulated history (first of a month).", DefaultValueFactory = _ => "2026-11-01" };
        var months = new Option<int>("--history-months") { Description = "Months of history before --until.", DefaultValueFactory = _ => 15 };
        var truthAsOf = new Option<string?>("--truth-as-of") { Description = "Report the planted churn probability at this date (first of a month)." };
        var truthHorizon = new Option<int>("--truth-horizon-days") { Description = "Horizon of the truth probability.", DefaultValueFactory = _ => 90 };
        var truthOut = new Option<string?>("--truth-out") { Description = "CSV file for the truth (contactid,true_probability,churned_within_horizon,observable_probability)." };
        var exportMode = new Option<string>("--export-mode") { Description = "standard, or erp: export habits of real source systems (end dates overwritten at termination, empty datefulfilled before supply starts, today's status, reopened and cancelled cases, roll-overs to variable tariffs, solar, billing errors).", DefaultValueFactory = _ => "standard" };
        var exportAt = new Option<string?>("--export-at") { Description = "Export the org as it looked on this date (default: --until); the simulation still runs to --until." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout." };
        var command = new Command("generate", "Create a synthetic energy-supplier local org with a planted, known churn process.")
        {
            contacts, seed, db, until, months, truthAsOf, truthHorizon, truthOut, exportMode, exportAt, json,
        };
        command.SetAction(r => CliSupport.Run(() =>
        {
            var truthDate = r.GetValue(truthAsOf) is { } t ? CliSupport.ParseDate(t, "--truth-as-of") : (DateTime?)null;
            if (truthDate is not null && r.GetValue(truthOut) is null)
                throw new CliInputException("--truth-as-of needs --truth-out FILE to write the truth to.");
            var options = new GeneratorOptions
            {
                Contacts = r.GetValue(contacts),
                Seed = r.GetValue(seed),
                Until = CliSupport.ParseDate(r.GetValue(until)!, "--until"),
                HistoryMonths = r.GetValue(months),
                TruthAsOf = truthDate,
                TruthHorizonDays = r.GetValue(truthHorizon),
                ExportMode = r.GetValue(exportMode)!.ToLowerInvariant() switch
                {
                    "standard" => ExportMode.Standard,
                    "erp" => ExportMode.Erp,
                    var other => throw new CliInputException($"--export-mode must be standard or erp (got '{other}')."),
                },
                ExportAt = r.GetValue(exportAt) is { } x ? CliSupport.ParseDate(x, "--export-at") : null,
            };
            var path = r.GetValue(db)!;
            var clock = Stopwatch.StartNew();
            GenerationSummary result = null!;
            var console = CliSupport.Stderr();
            console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"Generating {options.Contacts:N0} contacts", maxValue: options.Contacts);
                    result = OrgGenerator.Generate(path, options, new Progress<int>(done => task.Value = done));
                    task.Value = options.Contacts;
                });
            if (r.GetValue(truthOut) is { } truthPath)
                OrgGenerator.WriteTruth(truthPath, result.Truth);
            using var connection = LocalOrgDatabase.OpenExisting(path, readOnly: true);
            var summary = OrgSummary.Read(connection);
            var seconds = clock.Elapsed.TotalSeconds;
            var bytes = new FileInfo(path).Length;
            if (r.GetValue(json))
                CliSupport.WriteJson(new { database = path, seconds = Math.Round(seconds, 1), databaseBytes = bytes, truthRows = result.Truth.Count, summary });
            else
                SummaryView.Render(CliSupport.Stdout(), summary, $"{path} ({bytes / 1024.0 / 1024.0:N1} MB, generated in {seconds:N1} s)");
            return 0;
        }));
        return command;
    }

    private static Command SummaryVerb()
    {
        var db = new Option<string>("--db") { Description = "Local org database.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON on stdout." };
        var command = new Command("summary", "Print counts, churn rate, cases by type and payment behaviour of a local org.") { db, json };
        command.SetAction(r => CliSupport.Run(() =>
        {
            using var connection = LocalOrgDatabase.OpenExisting(r.GetValue(db)!, readOnly: true);
            var summary = OrgSummary.Read(connection);
            if (r.GetValue(json))
                CliSupport.WriteJson(summary);
            else
                SummaryView.Render(CliSupport.Stdout(), summary, r.GetValue(db)!);
            return 0;
        }));
        return command;
    }

    private static Command Import()
    {
        var from = new Option<string>("--from") { Description = "Folder with one <logicalname>.csv per table.", Required = true };
        var db = new Option<string>("--db") { Description = "Local org database (created when missing).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout." };
        var command = new Command("import", "Load CSV exports into the local org; a file with any bad row is rejected whole.") { from, db, json };
        command.SetAction(r => CliSupport.Run(() =>
        {
            var report = CsvImporter.Import(r.GetValue(from)!, r.GetValue(db)!);
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(report);
            }
            else
            {
                var console = CliSupport.Stdout();
                foreach (var file in report.Files)
                {
                    var status = file.Accepted ? $"[green]imported {file.RowsImported:N0} rows[/]" : $"[red]rejected ({file.Errors.Count} errors)[/]";
                    console.MarkupLine($"{Markup.Escape(file.File)}: {status}");
                    foreach (var error in file.Errors.Take(20))
                        console.MarkupLine($"  [red]{Markup.Escape(error.ToString())}[/]");
                    if (file.Errors.Count > 20)
                        console.MarkupLine($"  ... and {file.Errors.Count - 20} more");
                }
            }
            return report.Files.All(f => f.Accepted) ? 0 : CliSupport.BadInput;
        }));
        return command;
    }

    private static Command Export()
    {
        var to = new Option<string>("--to") { Description = "Folder to write one <logicalname>.csv per table into.", Required = true };
        var db = new Option<string>("--db") { Description = "Local org database.", Required = true };
        var command = new Command("export", "Write every table of the local org as CSV (the format rtn import reads).") { to, db };
        command.SetAction(r => CliSupport.Run(() =>
        {
            var counts = CsvExporter.Export(r.GetValue(db)!, r.GetValue(to)!);
            foreach (var (table, rows) in counts)
                Console.Error.WriteLine($"{table}.csv: {rows:N0} rows");
            return 0;
        }));
        return command;
    }
}

/// <summary>Spectre.Console rendering of an <see cref="OrgSummary"/>.</summary>
public static class SummaryView
{
    public static void Render(IAnsiConsole console, OrgSummary s, string title)
    {
        console.Write(new Rule($"[bold]Local org[/] {Markup.Escape(title)}").LeftJustified());
        var customers = new Table().Title("Customers").AddColumns("", "count");
        customers.AddRow("Contacts", $"{s.Contacts:N0}");
        customers.AddRow("Active", $"{s.ActiveContacts:N0}");
        customers.AddRow("Churned (inactive)", $"{s.ChurnedContacts:N0}");
        customers.AddRow("Churn rate over the history", $"{s.ChurnRate:P1}");
        customers.AddRow("Churn rate per year", $"{s.AnnualisedChurnRate:P1}");
        customers.AddRow("History", $"{s.WindowStart} .. {s.Until}");
        var volume = new Table().Title("Records").AddColumns("table", "rows");
        volume.AddRow("Orders (contracts)", $"{s.Orders:N0}");
        volume.AddRow("Order lines", $"{s.OrderLines:N0}");
        volume.AddRow("Invoices", $"{s.Invoices:N0}");
        volume.AddRow("Usage readings", $"{s.UsageReadings:N0}");
        volume.AddRow("Emails", $"{s.Emails:N0}");
        volume.AddRow("Phone calls", $"{s.PhoneCalls:N0}");
        volume.AddRow("Offer recommendations", $"{s.OfferRecommendations:N0}");
        var cases = new Table().Title("Cases by type").AddColumns("type", "cases", "open");
        foreach (var c in s.CasesByType)
            cases.AddRow(c.Type, $"{c.Count:N0}", $"{c.Open:N0}");
        var paid = s.Payments;
        var total = Math.Max(1, paid.OnTime + paid.Late + paid.VeryLate + paid.Unpaid);
        var payments = new Table().Title("Payment behaviour (invoices)").AddColumns("", "invoices", "share");
        payments.AddRow("On time", $"{paid.OnTime:N0}", $"{(double)paid.OnTime / total:P1}");
        payments.AddRow("Late (1-30 days)", $"{paid.Late:N0}", $"{(double)paid.Late / total:P1}");
        payments.AddRow("Very late (>30 days)", $"{paid.VeryLate:N0}", $"{(double)paid.VeryLate / total:P1}");
        payments.AddRow("Unpaid", $"{paid.Unpaid:N0}", $"{(double)paid.Unpaid / total:P1}");
        console.Write(new Columns(customers, volume));
        console.Write(new Columns(cases, payments));
    }
}
