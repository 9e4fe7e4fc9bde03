using System.Globalization;
using System.Net;
using System.Text;
using RetentionInsights.Scoring.Engine;

namespace RetentionInsights.Scoring.Reporting;

/// <summary>
/// A self-contained HTML report of a training run (no scripts, no external assets, so it opens anywhere and can be mailed):
/// headline metrics, ROC, calibration, lift by decile, feature importance, CLV distribution and the data preparation log.
/// </summary>
public static class TrainingReport
{
    private const int W = 420, H = 300, Pad = 40;

    public static string Render(TrainingResult result, string? promotion = null)
    {
        var m = result.Metadata;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Retention Insights — model ").Append(E(m.Version)).Append("</title>");
        html.Append("<style>body{font-family:Segoe UI,Arial,sans-serif;margin:24px;color:#222}h1{font-size:22px}h2{font-size:17px;margin-top:28px}")
            .Append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}")
            .Append(".grid{display:flex;flex-wrap:wrap;gap:24px}.card{border:1px solid #ddd;padding:12px;border-radius:6px}svg text{font-size:11px}</style></head><body>");
        html.Append("<h1>Churn model ").Append(E(m.Version)).Append("</h1>");
        html.Append("<p>Trained ").Append(m.TrainedOn.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))
            .Append(" · snapshots ").Append(string.Join(", ", result.Plan.Training.Select(t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))))
            .Append(" · holdout ").Append(result.Plan.Holdout.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .Append(" · horizon ").Append(m.HorizonDays).Append(" days · seed ").Append(m.Seed).Append("</p>");
        if (promotion is not null)
            html.Append("<p><b>Promotion:</b> ").Append(E(promotion)).Append("</p>");

        html.Append("<h2>Holdout metrics</h2><table><tr><th>model</th><th>ROC AUC</th><th>PR AUC</th><th>Brier</th><th>ECE</th><th>lift @10%</th><th>rows</th><th>churn rate</th></tr>");
        Row(html, "LightGBM (calibrated)", result.Holdout);
        Row(html, "logistic regression baseline", result.Baseline);
        html.Append("</table>");

        if (result.LeakageFindings.Count > 0)
        {
            html.Append("<h2>Suspected leakage</h2><ul>");
            foreach (var finding in result.LeakageFindings)
                html.Append("<li>").Append(E(finding)).Append("</li>");
            html.Append("</ul>");
        }
        html.Append("<h2>Single-feature holdout AUC</h2><p>Each feature on its own against the holdout labels (0.5 = no signal). A feature far above the rest (0.85 or more) usually reads a column the source overwrites when a customer leaves.</p>")
            .Append("<table><tr><th>feature</th><th>AUC</th></tr>");
        foreach (var f in result.FeatureAucs)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">{E(f.Feature)}</td><td>{f.Auc:0.000}</td></tr>");
        html.Append("</table>");

        html.Append("<div class=\"grid\">");
        Card(html, "ROC curve", Roc(result));
        Card(html, "Calibration (equal-count bins)", Calibration(result));
        Card(html, "Lift by decile", Bars(result.Holdout.LiftByDecile.Select((v, i) => ($"{i + 1}", v)).ToArray(), "lift"));
        var importance = result.Model.Importance.Select((v, i) => (Name: result.Model.Features[i], Value: v)).OrderByDescending(x => x.Value).Take(15).ToArray();
        Card(html, "Feature importance (split gain)", HorizontalBars(importance));
        Card(html, "CLV 36 months at the holdout date (€)", Histogram(result.HoldoutClv36));
        html.Append("</div>");

        html.Append("<h2>Data preparation</h2><table><tr><th>rows excluded</th><th>count</th></tr>");
        foreach (var (reason, count) in result.Preparation.RowsDropped.OrderByDescending(x => x.Value))
            html.Append("<tr><td style=\"text-align:left\">").Append(E(reason)).Append("</td><td>").Append(count.ToString("N0", CultureInfo.InvariantCulture)).Append("</td></tr>");
        html.Append("</table><br><table><tr><th>values winsorised (training)</th><th>count</th></tr>");
        foreach (var (feature, count) in result.Preparation.ValuesClipped.OrderByDescending(x => x.Value))
            html.Append("<tr><td style=\"text-align:left\">").Append(E(feature)).Append("</td><td>").Append(count.ToString("N0", CultureInfo.InvariantCulture)).Append("</td></tr>");
        html.Append("</table>");

        html.Append("<h2>CLV models</h2><p>");
        if (result.OrderBgNbd is { } bg)
            html.Append(E(FormattableString.Invariant($"BG/NBD on contract starts (per week): r={bg.Parameters.R:0.####}, α={bg.Parameters.Alpha:0.####}, a={bg.Parameters.A:0.####}, b={bg.Parameters.B:0.####}, LL={bg.LogLikelihood:0.##}. ")));
        else
            html.Append("BG/NBD not fitted (too little repeat history); P(alive) uses the churn model's 12-month survival. ");
        if (result.OrderGammaGamma is { } gg)
            html.Append(E(FormattableString.Invariant($"Gamma–Gamma: p={gg.Parameters.P:0.####}, q={gg.Parameters.Q:0.####}, γ={gg.Parameters.Gamma:0.####}.")));
        html.Append("</p><p>Contractual CLV = monthly contract margin × survival under the churn hazard, discounted monthly (")
            .Append(m.Parameters.Clv.MarginRate.ToString("0%", CultureInfo.InvariantCulture)).Append(" margin, ")
            .Append(m.Parameters.Clv.AnnualDiscountRate.ToString("0%", CultureInfo.InvariantCulture)).Append(" per year).</p>");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string name, Evaluation.BinaryMetrics b) =>
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"text-align:left\">{E(name)}</td><td>{b.Auc:0.0000}</td><td>{b.PrAuc:0.0000}</td><td>{b.Brier:0.00000}</td><td>{b.Ece:0.0000}</td><td>{b.LiftAt10:0.00}</td><td>{b.Rows:N0}</td><td>{b.PositiveRate:0.00%}</td></tr>");

    private static void Card(StringBuilder html, string title, string svg) =>
        html.Append("<div class=\"card\"><div><b>").Append(E(title)).Append("</b></div>").Append(svg).Append("</div>");

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static double X(double v) => Pad + v * (W - 2 * Pad);

    private static double Y(double v) => H - Pad - v * (H - 2 * Pad);

    private static string Frame(string body, string xLabel, string yLabel) =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" role=\"img\">" +
        $"<line x1=\"{Pad}\" y1=\"{H - Pad}\" x2=\"{W - Pad}\" y2=\"{H - Pad}\" stroke=\"#444\"/><line x1=\"{Pad}\" y1=\"{Pad}\" x2=\"{Pad}\" y2=\"{H - Pad}\" stroke=\"#444\"/>" +
        $"<text x=\"{W / 2}\" y=\"{H - 8}\" text-anchor=\"middle\">{E(xLabel)}</text><text x=\"12\" y=\"{H / 2}\" transform=\"rotate(-90 12 {H / 2})\" text-anchor=\"middle\">{E(yLabel)}</text>" +
        body + "</svg>";

    private static string Roc(TrainingResult r)
    {
        var points = string.Join(" ", r.Holdout.Roc.Select(p => $"{F(X(p.Fpr))},{F(Y(p.Tpr))}"));
        var body = $"<line x1=\"{F(X(0))}\" y1=\"{F(Y(0))}\" x2=\"{F(X(1))}\" y2=\"{F(Y(1))}\" stroke=\"#bbb\" stroke-dasharray=\"4\"/>" +
                   $"<polyline fill=\"none\" stroke=\"#0a64ad\" stroke-width=\"2\" points=\"{points}\"/>" +
                   $"<text x=\"{W - Pad - 4}\" y=\"{H - Pad - 8}\" text-anchor=\"end\">AUC {r.Holdout.Auc.ToString("0.000", CultureInfo.InvariantCulture)}</text>";
        return Frame(body, "false positive rate", "true positive rate");
    }

    private static string Calibration(TrainingResult r)
    {
        var max = Math.Max(0.05, r.Holdout.Calibration.Max(b => Math.Max(b.MeanPredicted, b.ObservedRate)) * 1.1);
        var dots = string.Concat(r.Holdout.Calibration.Select(b => $"<circle cx=\"{F(X(b.MeanPredicted / max))}\" cy=\"{F(Y(b.ObservedRate / max))}\" r=\"4\" fill=\"#d9480f\"/>"));
        var body = $"<line x1=\"{F(X(0))}\" y1=\"{F(Y(0))}\" x2=\"{F(X(1))}\" y2=\"{F(Y(1))}\" stroke=\"#bbb\" stroke-dasharray=\"4\"/>{dots}" +
                   $"<text x=\"{W - Pad}\" y=\"{H - Pad + 14}\" text-anchor=\"end\">{F(max)}</text><text x=\"{Pad - 4}\" y=\"{Pad + 4}\" text-anchor=\"end\">{F(max)}</text>" +
                   $"<text x=\"{Pad + 8}\" y=\"{Pad + 12}\">ECE {r.Holdout.Ece.ToString("0.000", CultureInfo.InvariantCulture)}</text>";
        return Frame(body, "mean predicted probability", "observed churn rate");
    }

    private static string Bars((string Label, double Value)[] bars, string yLabel, bool showValues = true)
    {
        var max = Math.Max(1e-9, bars.Max(b => b.Value));
        var width = (W - 2 * Pad) / (double)bars.Length;
        var body = string.Concat(bars.Select((b, i) =>
            $"<rect x=\"{F(Pad + i * width + 2)}\" y=\"{F(Y(b.Value / max))}\" width=\"{F(width - 4)}\" height=\"{F(b.Value / max * (H - 2 * Pad))}\" fill=\"#0a64ad\"/>" +
            $"<text x=\"{F(Pad + (i + 0.5) * width)}\" y=\"{H - Pad + 12}\" text-anchor=\"middle\">{E(b.Label)}</text>" +
            (showValues ? $"<text x=\"{F(Pad + (i + 0.5) * width)}\" y=\"{F(Y(b.Value / max) - 3)}\" text-anchor=\"middle\">{b.Value.ToString("0.0", CultureInfo.InvariantCulture)}</text>" : "")));
        return Frame(body, "", yLabel);
    }

    private static string HorizontalBars((string Name, double Value)[] items)
    {
        var height = 18 * items.Length + 20;
        var max = Math.Max(1e-9, items.Max(i => i.Value));
        var body = string.Concat(items.Select((item, k) =>
            $"<text x=\"170\" y=\"{14 + 18 * k}\" text-anchor=\"end\">{E(item.Name)}</text>" +
            $"<rect x=\"175\" y=\"{4 + 18 * k}\" width=\"{F(item.Value / max * 230)}\" height=\"13\" fill=\"#2b8a3e\"/>"));
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{height}\" role=\"img\">{body}</svg>";
    }

    private static string Histogram(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            return "<p>no customers</p>";
        var sorted = values.Order().ToArray();
        var top = sorted[(int)(0.99 * (sorted.Length - 1))];
        const int bins = 20;
        var counts = new double[bins];
        foreach (var v in values)
            counts[Math.Clamp((int)(v / Math.Max(top, 1e-9) * bins), 0, bins - 1)]++;
        var bars = counts.Select((c, i) => (i % 5 == 0 ? (top * i / bins).ToString("N0", CultureInfo.InvariantCulture) : "", c)).ToArray();
        return Bars(bars, "customers", showValues: false) + $"<div>total {values.Sum().ToString("N0", CultureInfo.InvariantCulture)} € · median {sorted[sorted.Length / 2].ToString("N0", CultureInfo.InvariantCulture)} €</div>";
    }
}
