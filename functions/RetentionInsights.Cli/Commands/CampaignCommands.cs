using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using RetentionInsights.Data.Campaign;
using RetentionInsights.Functions.Models;
using RetentionInsights.Scoring.Campaign;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Sentiment;
using RetentionInsights.Scoring.Uplift;
using Spectre.Console;

namespace RetentionInsights.Cli.Commands;

/// <summary>`rtn campaign report`: do the retention offers work? Treatment against the standing control group over a period.</summary>
public sealed class CampaignCommands : IVerbGroup
{
    public IEnumerable<Command> Create()
    {
        var campaign = new Command("campaign", "Retention campaigns measured against the standing control group.");
        campaign.Subcommands.Add(Report());
        yield return campaign;
    }

    private static Command Report()
    {
        var db = new Option<string>("--db") { Description = "Local org database.", Required = true };
        var from = new Option<string?>("--from") { Description = "Start of the period (yyyy-MM-dd); default: the last complete control-group period." };
        var to = new Option<string?>("--to") { Description = "End of the period, exclusive (yyyy-MM-dd); default: three months after --from." };
        var models = new Option<string?>("--models") { Description = "Model store folder: its champion churn model sharpens the uplift model behind the Qini curve." };
        var html = new Option<string?>("--html") { Description = "Also write the report as a self-contained HTML page to this file." };
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON on stdout (progress goes to stderr)." };
        var command = new Command("report", "Treatment against control over a period: churn with a 95% confidence interval, margin, revenue, offers, ROI and the uplift model's Qini curve.")
        {
            db, from, to, models, html, json,
        };
        command.SetAction((r, ct) => RunAsync(async () =>
        {
            var (data, end) = EngineCommands.Load(r.GetValue(db)!, null);
            var policy = new OfferPolicy();
            var (start, stop) = CampaignAnalysis.Window(end, r.GetValue(from) is { } f ? CliSupport.ParseDate(f, "--from") : null,
                r.GetValue(to) is { } t ? CliSupport.ParseDate(t, "--to") : null, policy.ControlPeriodMonths);
            if (stop <= start)
                throw new CliInputException($"--to ({stop:yyyy-MM-dd}) must be after --from ({start:yyyy-MM-dd}).");

            Console.Error.WriteLine($"campaign report {start:yyyy-MM-dd} .. {stop:yyyy-MM-dd} on {data.Histories.Count:N0} contacts");
            var sentiment = await MessageSentiment.ComputeAsync(new LexiconSentimentAnalyzer(), data.Histories, cancellationToken: ct);
            var (score, source) = await UpliftScorerAsync(data, start, r.GetValue(models), sentiment, ct);
            var report = CampaignReport.Build(data.Histories, data.Offers, start, stop, policy.ControlShare, policy.ControlPeriodMonths, upliftScore: score);
            if (report.WindowCrossesPeriods)
                Console.Error.WriteLine($"warning: the window crosses a control-group period boundary; groups are those of the period starting {report.GroupPeriodStart:yyyy-MM-dd}.");
            if (r.GetValue(html) is { } htmlPath)
                await File.WriteAllTextAsync(htmlPath, Html(report, source), new UTF8Encoding(false), ct);
            if (r.GetValue(json))
                CliSupport.WriteJson(CampaignAnalysis.Json(report, source));
            else
                Print(report, source);
            return 0;
        }));
        return command;
    }

    private static async Task<(Func<Data.Records.CustomerHistory, double>? Score, string Source)> UpliftScorerAsync(Data.Reading.OrgData data, DateTime from, string? modelsPath, MessageSentiment sentiment, CancellationToken ct)
    {
        if (modelsPath is null)
            return CampaignAnalysis.UpliftScorer(data.Histories, data.Offers, from, sentiment);
        var store = new LocalFolderModelStore(modelsPath);
        var champion = await ModelRegistry.LoadChampionAsync(store, (meta, stream) => (Model: ChurnPredictor.Load(stream, meta.Features, meta.Seed), Meta: meta), ct)
            ?? throw new CliInputException($"--models: no champion model in '{modelsPath}'. Train one with: rtn train --db ... --models {modelsPath}");
        var clipper = DataPreparation.Compile(champion.Model.Meta.Parameters.FeatureLimits);
        return CampaignAnalysis.UpliftScorer(data.Histories, data.Offers, from, sentiment, rows => EngineTrainer.ChurnOffsets(champion.Model.Model, clipper, rows), champion.Model.Meta.Version);
    }

    private static void Print(CampaignReport report, string source)
    {
        var console = CliSupport.Stdout();
        console.MarkupLineInterpolated($"[bold]Retention campaign {report.From:yyyy-MM-dd} .. {report.To:yyyy-MM-dd}[/] (control group {report.ControlShare:P0}, period from {report.GroupPeriodStart:yyyy-MM-dd})");
        var table = new Table().AddColumns("", "treatment", "control");
        void Row(string name, Func<CampaignGroup, string> value) => table.AddRow(name, value(report.Treatment), value(report.Control));
        Row("contacts", g => g.Contacts.ToString("N0", CultureInfo.InvariantCulture));
        Row("churned", g => g.Churned.ToString("N0", CultureInfo.InvariantCulture));
        Row("churn rate", g => g.ChurnRate.ToString("P2", CultureInfo.InvariantCulture));
        Row("margin per contract (€/year)", g => g.MarginPerContract.ToString("N2", CultureInfo.InvariantCulture));
        Row("revenue (€)", g => g.Revenue.ToString("N0", CultureInfo.InvariantCulture));
        Row("offers made / accepted / retained", g => $"{g.OffersMade:N0} / {g.OffersAccepted:N0} / {g.OffersRetained:N0}");
        console.Write(table);
        var e = report.Effect;
        console.MarkupLineInterpolated($"difference in churn rate (treatment − control): {e.ChurnRateDifference:+0.00%;-0.00%} (95% CI {e.Ci95[0]:+0.00%;-0.00%} .. {e.Ci95[1]:+0.00%;-0.00%}){(e.Significant ? "" : ", not significant")}");
        var roi = report.Roi;
        console.MarkupLineInterpolated($"ROI: €{roi.ValuePerCustomer:N2} × {roi.CustomersKept:N0} customers kept × {roi.ProbabilityOfLosingWithoutAction:P1} = €{roi.ValueRetained:N0} against €{roi.OfferCosts:N0} offer costs: {(roi.Roi is { } v ? v.ToString("P0", CultureInfo.InvariantCulture) : "n/a")}");
        console.MarkupLineInterpolated($"Qini: {(report.Qini is { } q ? q.Coefficient.ToString("0.0000", CultureInfo.InvariantCulture) + " (" + source + ")" : source)}");
    }

    private static string Html(CampaignReport report, string source)
    {
        Func<string, string> e = s => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Retention campaign report</title>")
            .Append("<style>body{font-family:Segoe UI,Arial,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}</style></head><body>")
            .Append(CultureInfo.InvariantCulture, $"<h1>Retention campaign {D(report.From)} .. {D(report.To)}</h1>")
            .Append(CultureInfo.InvariantCulture, $"<p>Standing control group: {report.ControlShare:P0} of customers, period from {D(report.GroupPeriodStart)}.</p>")
            .Append("<table><tr><th></th><th>treatment</th><th>control</th></tr>");
        void Row(string name, Func<CampaignGroup, string> value) =>
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{e(name)}</td><td>{e(value(report.Treatment))}</td><td>{e(value(report.Control))}</td></tr>");
        Row("contacts", g => g.Contacts.ToString("N0", CultureInfo.InvariantCulture));
        Row("churned", g => g.Churned.ToString("N0", CultureInfo.InvariantCulture));
        Row("churn rate", g => g.ChurnRate.ToString("P2", CultureInfo.InvariantCulture));
        Row("margin per contract (€/year)", g => g.MarginPerContract.ToString("N2", CultureInfo.InvariantCulture));
        Row("revenue (€)", g => g.Revenue.ToString("N0", CultureInfo.InvariantCulture));
        Row("offers made", g => g.OffersMade.ToString("N0", CultureInfo.InvariantCulture));
        Row("offers accepted", g => g.OffersAccepted.ToString("N0", CultureInfo.InvariantCulture));
        Row("offers retained", g => g.OffersRetained.ToString("N0", CultureInfo.InvariantCulture));
        html.Append("</table>");
        var effect = report.Effect;
        html.Append(CultureInfo.InvariantCulture, $"<p>Difference in churn rate (treatment − control): <b>{effect.ChurnRateDifference:+0.00%;-0.00%}</b>, 95% confidence interval {effect.Ci95[0]:+0.00%;-0.00%} .. {effect.Ci95[1]:+0.00%;-0.00%}{(effect.Significant ? "" : " (not significant)")}.</p>");
        var roi = report.Roi;
        html.Append(CultureInfo.InvariantCulture, $"<p>ROI: €{roi.ValuePerCustomer:N2} value per customer × {roi.CustomersKept:N0} customers kept × {roi.ProbabilityOfLosingWithoutAction:P1} probability of losing them without the offer = €{roi.ValueRetained:N0}, against €{roi.OfferCosts:N0} offer costs: <b>{(roi.Roi is { } v ? v.ToString("P0", CultureInfo.InvariantCulture) : "n/a")}</b>.</p>");
        if (report.Qini is { } q && q.Points.Count > 1)
        {
            var max = Math.Max(1e-9, q.Points.Max(p => Math.Abs(p.Incremental)));
            string Xy(QiniPoint p) => $"{40 + p.Fraction * 400:0.#},{170 - p.Incremental / max * 120:0.#}";
            html.Append("<h2>Qini curve</h2><svg width=\"480\" height=\"300\" role=\"img\" aria-label=\"Qini curve\">")
                .Append("<line x1=\"40\" y1=\"170\" x2=\"440\" y2=\"170\" stroke=\"#999\"/>")
                .Append(CultureInfo.InvariantCulture, $"<line x1=\"40\" y1=\"170\" x2=\"440\" y2=\"{170 - q.Points[^1].Incremental / max * 120:0.#}\" stroke=\"#999\" stroke-dasharray=\"4\"/>")
                .Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#0b6\" stroke-width=\"2\" points=\"{string.Join(" ", q.Points.Select(Xy))}\"/>")
                .Append("<text x=\"40\" y=\"290\">share of customers targeted, highest predicted uplift first</text></svg>")
                .Append(CultureInfo.InvariantCulture, $"<p>Qini coefficient {q.Coefficient:0.0000} ({e(source)}).</p>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{e(source)}</p>");
        }
        return html.Append("</body></html>").ToString();
    }

    private static string D(DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is CliInputException or ArgumentException or IOException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return CliSupport.BadInput;
        }
    }
}
