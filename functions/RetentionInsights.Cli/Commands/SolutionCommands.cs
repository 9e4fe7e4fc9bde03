using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Solution.Validation;
using Spectre.Console;

namespace RetentionInsights.Cli.Commands;

/// <summary>`rtn solution validate ZIP [--json]`: checks a solution zip before an admin imports it.</summary>
public sealed class SolutionCommands : IVerbGroup
{
    public IEnumerable<Command> Create()
    {
        var solution = new Command("solution", "Dataverse solution zips: check them before import.");
        solution.Subcommands.Add(Validate());
        yield return solution;
    }

    // Findings quote XML element names; keep "<attribute>" readable instead of "\u003Cattribute\u003E" (stdout is not HTML).
    private static readonly JsonSerializerOptions ReadableJson = new(CliSupport.Json) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Command Validate()
    {
        var zip = new Argument<string>("zip") { Description = "The solution zip to check (managed or unmanaged)." };
        var json = new Option<bool>("--json") { Description = "Print the findings as JSON on stdout." };
        var schemas = new Option<string?>("--schemas") { Description = "Folder with CustomizationsSolution.xsd (default: the shared data folder or RTN_CRM_SCHEMAS)." };
        var expect = new Option<string?>("--expect") { Description = "Require a managed or unmanaged solution." };
        expect.AcceptOnlyFromAmong("managed", "unmanaged");
        var command = new Command("validate", "Validate a solution zip: official schema, column references, choice prefixes, root components, managed flag.")
        {
            zip, json, schemas, expect,
        };
        command.SetAction(r => CliSupport.Run(() =>
        {
            var path = r.GetValue(zip)!;
            if (!File.Exists(path))
                throw new CliInputException($"{path}: no such file.");
            var schemaDirectory = r.GetValue(schemas) ?? SchemaLocator.Find();
            if (schemaDirectory is not null && !File.Exists(Path.Combine(schemaDirectory, TolerantSchemaValidator.MainSchemaFile)))
                throw new CliInputException($"--schemas: {schemaDirectory} has no {TolerantSchemaValidator.MainSchemaFile}.");
            var validator = new SolutionValidator(new ValidationOptions
            {
                SchemaDirectory = schemaDirectory,
                ExpectManaged = r.GetValue(expect) switch { "managed" => true, "unmanaged" => false, _ => null },
                KnownColumns = ExternalColumns.FromDataModel(DataModel.Current),
            });
            var report = validator.Validate(path);
            if (r.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(ValidationJson.From(report), ReadableJson));
            else
                Print(report);
            return report.HasErrors ? 1 : 0;
        }));
        return command;
    }

    private static void Print(ValidationReport report)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        console.MarkupLine($"[bold]{Markup.Escape(report.ZipName)}[/]: {Markup.Escape(report.SolutionUniqueName ?? "?")} {Markup.Escape(report.Version ?? "?")} " +
            $"({(report.Managed switch { true => "managed", false => "unmanaged", null => "managed flag invalid" })})");
        if (report.Findings.Count > 0)
        {
            var table = new Table().AddColumns("Severity", "Check", "Finding", "Where");
            foreach (var finding in report.Findings.OrderBy(f => f.Severity))
            {
                table.AddRow(finding.Severity == Severity.Error ? "[red]error[/]" : "[yellow]warning[/]", Markup.Escape(finding.Code),
                    Markup.Escape(finding.Message), Markup.Escape(finding.Location ?? ""));
            }

            console.Write(table);
        }

        var errors = report.Errors.Count();
        console.MarkupLine(errors == 0
            ? $"[green]valid[/]: 0 errors, {report.Warnings.Count()} warning(s)"
            : $"[red]invalid[/]: {errors} error(s), {report.Warnings.Count()} warning(s)");
    }
}
