using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RetentionInsights.Data.Generation;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Reading;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Hosting;
using RetentionInsights.Functions.Models;
using RetentionInsights.Functions.Scoring;
using RetentionInsights.Functions.Stores;
using RetentionInsights.Scoring;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Clv;
using RetentionInsights.Scoring.Engine;
using RetentionInsights.Scoring.Evaluation;
using RetentionInsights.Scoring.Features;
using RetentionInsights.Scoring.Models;
using RetentionInsights.Scoring.Offers;
using RetentionInsights.Scoring.Reporting;
using RetentionInsights.Scoring.Sentiment;
using RetentionInsights.Scoring.Tabular;
using Spectre.Console;

namespace RetentionInsights.Cli.Commands;

/// <summary>`rtn train`, `rtn score`, `rtn churn evaluate`, `rtn churn truth`, `rtn clv fit`, `rtn bench engine`: the scoring engine.</summary>
public sealed class EngineCommands : IVerbGroup
{
    public IEnumerable<Command> Create()
    {
        yield return Train();
        yield return Score();
        var churn = new Command("churn", "The churn learner on your own tabular data.");
        churn.Subcommands.Add(ChurnEvaluate());
        churn.Subcommands.Add(ChurnTruth());
        yield return churn;
        var clv = new Command("clv", "Customer lifetime value models (BG/NBD, Gamma–Gamma).");
        clv.Subcommands.Add(ClvFit());
        yield return clv;
        var bench = new Command("bench", "Benchmarks that print JSON.");
        bench.Subcommands.Add(BenchEngine());
        yield return bench;
    }

    private static Option<string> Db() => new("--db") { Description = "Local org database.", Required = true };

    private static Option<string> Models() => new("--models") { Description = "Model store folder (versions, champion pointer, reports).", Required = true };

    private static Option<string?> AsOf() => new("--as-of") { Description = "Snapshot date (yyyy-MM-dd); default: the end of the org's data." };

    private static Option<bool> Json() => new("--json") { Description = "Machine-readable JSON on stdout (progress goes to stderr)." };

    private static Command Train()
    {
        var db = Db();
        var models = Models();
        var asOf = AsOf();
        var horizon = new Option<int>("--horizon-days") { Description = "Churn horizon in days.", DefaultValueFactory = _ => 90 };
        var seed = new Option<int>("--seed") { Description = "Seed of the learner.", DefaultValueFactory = _ => 42 };
        var bands = new Option<string>("--risk-bands") { Description = "Churn probability cut points for Medium,High,Critical.", DefaultValueFactory = _ => "0.05,0.12,0.25" };
        var maxAuc = new Option<double>("--max-holdout-auc") { Description = "A model above this holdout AUC is suspected of leakage and not promoted.", DefaultValueFactory = _ => 0.90 };
        var maxFeatureAuc = new Option<double>("--max-feature-auc") { Description = "A single feature above this holdout AUC is suspected of leakage; the model is not promoted.", DefaultValueFactory = _ => 0.85 };
        var allowSuspicious = new Option<bool>("--allow-suspicious") { Description = "Promote even when leakage is suspected (recorded in the model metadata)." };
        var maxFirstShare = new Option<double>("--max-first-offer-share") { Description = "Largest share of the contacts with offers for whom one offer type comes first (the offer-mix guard); it gives up predicted value, reported after training. 1 turns the guard off.", DefaultValueFactory = _ => OfferMix.DefaultMaxFirstShare };
        var json = Json();
        var command = new Command("train", "Train churn, CLV and offer models on stacked monthly snapshots; evaluate on a time-based holdout; save and promote if not worse and not suspected of leakage.")
        {
            db, models, asOf, horizon, seed, bands, maxAuc, maxFeatureAuc, allowSuspicious, maxFirstShare, json,
        };
        command.SetAction((r, ct) => RunAsync(async () =>
        {
            var cuts = r.GetValue(bands)!.Split(',').Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : throw new CliInputException($"--risk-bands: '{v}' is not a number.")).ToArray();
            if (cuts.Length != 3)
                throw new CliInputException("--risk-bands needs three cut points: medium,high,critical (e.g. 0.05,0.12,0.25).");
            var riskBands = new RiskBands(cuts[0], cuts[1], cuts[2]);
            riskBands.Validate();
            var leakage = new LeakageBounds { MaxHoldoutAuc = r.GetValue(maxAuc), MaxFeatureAuc = r.GetValue(maxFeatureAuc), AllowSuspicious = r.GetValue(allowSuspicious) };
            if (leakage.MaxHoldoutAuc is <= 0.5 or > 1 || leakage.MaxFeatureAuc is <= 0.5 or > 1)
                throw new CliInputException("--max-holdout-auc and --max-feature-auc must be AUC values above 0.5 and at most 1.");
            if (r.GetValue(maxFirstShare) is not (> 0 and <= 1))
                throw new CliInputException($"--max-first-offer-share: {r.GetValue(maxFirstShare).ToString(CultureInfo.InvariantCulture)} is not a share above 0 and at most 1 (0.4: no offer type first for more than 40 % of the contacts with offers; 1: no limit).");
            var clock = Stopwatch.StartNew();
            var (data, date) = Load(r.GetValue(db)!, r.GetValue(asOf));
            var sentiment = await MessageSentiment.ComputeAsync(new OfflineSentimentAnalyzer(), data.Histories, cancellationToken: ct);
            var store = new LocalFolderModelStore(r.GetValue(models)!);
            Log($"training as of {date:yyyy-MM-dd} on {data.Histories.Count:N0} contacts ({data.Report.TotalRows:N0} rows read in {data.Report.Seconds:N1} s)");
            var (result, decision) = await ModelTraining.TrainAndPromoteAsync(store, data.Histories, data.Offers, new TrainingOptions
            {
                AsOf = date,
                HorizonDays = r.GetValue(horizon),
                RiskBands = riskBands,
                Learner = new ChurnLearnerOptions { Seed = r.GetValue(seed) },
                Leakage = leakage,
                MaxFirstOfferShare = r.GetValue(maxFirstShare),
            }, sentiment, ct);
            var reportPath = Path.Combine(store.VersionDirectory(result.Metadata.Version), ModelTraining.ReportName);
            var output = new
            {
                version = result.Metadata.Version,
                promoted = decision.Promoted,
                promotion = decision.Reason,
                asOf = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                holdout = result.Plan.Holdout.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                snapshots = result.Plan.Training.Select(t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                metrics = result.Metadata.Metrics,
                leakage = new
                {
                    suspicious = result.Suspicious,
                    overridden = result.Suspicious && leakage.AllowSuspicious,
                    findings = result.LeakageFindings,
                    featureAuc = result.FeatureAucs.Select(f => new { feature = f.Feature, auc = Math.Round(f.Auc, 4) }),
                },
                preparation = new { rowsExcluded = result.Preparation.RowsDropped, valuesWinsorised = result.Preparation.ValuesClipped, readerDropped = data.Report.RowsDropped },
                timings = result.Timings,
                report = reportPath,
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            };
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(output);
            }
            else
            {
                var console = CliSupport.Stdout();
                var table = new Table().AddColumns("metric", "LightGBM", "baseline (LR)");
                table.AddRow("ROC AUC", F(result.Holdout.Auc), F(result.Baseline.Auc));
                table.AddRow("PR AUC", F(result.Holdout.PrAuc), F(result.Baseline.PrAuc));
                table.AddRow("Brier", F(result.Holdout.Brier, "0.00000"), F(result.Baseline.Brier, "0.00000"));
                table.AddRow("ECE", F(result.Holdout.Ece), F(result.Baseline.Ece));
                table.AddRow("lift @10%", F(result.Holdout.LiftAt10, "0.00"), F(result.Baseline.LiftAt10, "0.00"));
                console.Write(table);
                console.MarkupLineInterpolated($"strongest single features (holdout AUC): {string.Join(", ", result.FeatureAucs.Take(5).Select(f => $"{f.Feature} {f.Auc:0.000}"))}");
                foreach (var finding in result.LeakageFindings)
                    console.MarkupLineInterpolated($"[red]suspected leakage[/]: {finding}");
                console.MarkupLineInterpolated($"model [bold]{result.Metadata.Version}[/] {(decision.Promoted ? "promoted" : "kept as challenger")}: {decision.Reason}");
                console.MarkupLineInterpolated($"holdout {result.Plan.Holdout:yyyy-MM-dd}: {result.Holdout.Rows:N0} customers, churn rate {result.Holdout.PositiveRate:P1}");
                var mix = result.Metadata.Parameters.OfferMix;
                if (mix.MaxFirstShare < 1)
                    console.MarkupLineInterpolated($"offer mix: the most frequent first offer type {mix.LargestShareBefore:P1} of contacts with offers, {mix.LargestShareAfter:P1} with the guard (limit {mix.MaxFirstShare:P0}); predicted value of first offers kept {mix.FirstOfferValueKept:P1}");
                console.MarkupLineInterpolated($"report: {reportPath}");
            }
            return 0;
        }));
        return command;
    }

    private static Command Score()
    {
        var db = Db();
        var models = Models();
        var asOf = AsOf();
        var output = new Option<string?>("--out") { Description = "Also write a CSV: contactid, churn probability, band, CLV 12m/36m, P(alive), offers." };
        var language = new Option<string>("--language") { Description = "Language of reasons written to the org: en or nl.", DefaultValueFactory = _ => "en" };
        var json = Json();
        var command = new Command("score", "Score every contact as of a date with the champion model; write the rtn_ columns and top-3 offers where they changed.")
        {
            db, models, asOf, output, language, json,
        };
        command.SetAction((r, ct) => RunAsync(async () =>
        {
            var lang = r.GetValue(language)!;
            if (lang is not ("en" or "nl"))
                throw new CliInputException($"--language must be en or nl (got '{lang}').");
            var clock = Stopwatch.StartNew();
            var path = r.GetValue(db)!;
            var date = AsOfDate(path, r.GetValue(asOf));
            var modelsPath = r.GetValue(models)!;
            // The service's pipeline on the local org: the same reads, scoring, offers, alerts and change-only writes.
            await using var pipeline = ServiceRegistration.BuildPipeline(new Dictionary<string, string?>
            {
                ["Retention:LocalOrgPath"] = path,
                ["Retention:ModelsPath"] = modelsPath,
                ["Retention:AsOf"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["Retention:Language"] = lang,
            });
            var model = await pipeline.GetRequiredService<ICustomerScorer>().GetChampionVersionAsync(ct)
                ?? throw new CliInputException($"No loadable model in {modelsPath}; run `rtn train --db {path} --models {modelsPath}` first.");
            var rescorer = pipeline.GetRequiredService<CustomerRescorer>();
            // As the service's replay: before the model's first training date it knows nothing, and writing those scores would
            // clear the org's live ones (before the first customer, every one of them).
            if ((await rescorer.ScorerHealthAsync(ct)).LearnedFrom is { } earliest && date < earliest.Date)
                throw new CliInputException($"--as-of {date:yyyy-MM-dd} is before the first date model {model} learned from ({earliest:yyyy-MM-dd}); score as of that date or a later one.");
            var results = await rescorer.RescoreAllAsync(date, null, ct);
            var outcomes = results.Where(x => x.Outcome is not null).Select(x => x.Outcome!).ToList();
            if (r.GetValue(output) is { } csv)
            {
                var offerNames = (await pipeline.GetRequiredService<IRetentionStore>().LoadOfferCatalogueAsync(ct)).ToDictionary(o => o.Id, o => o.Name);
                WriteCsv(csv, results, offerNames);
            }
            var scored = outcomes.Where(o => o.Status == ScoreStatus.Scored).ToArray();
            var summary = new
            {
                model,
                asOf = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                contacts = results.Count,
                scored = scored.Length,
                optedOut = results.Count(x => x.Found && x.Outcome is null),
                inactive = outcomes.Count(o => o.Status == ScoreStatus.Inactive),
                notYetCustomers = outcomes.Count(o => o.Status == ScoreStatus.NotYetCustomer),
                bands = scored.GroupBy(s => RiskBands.Label(s.Scores.ChurnRiskBand ?? 0)).ToDictionary(g => g.Key, g => g.Count()),
                meanChurnProbability = scored.Length == 0 ? 0 : Math.Round(scored.Average(s => s.Scores.ChurnProbability ?? 0), 4),
                clv12mTotal = scored.Sum(s => s.Scores.Clv12m ?? 0),
                clv36mTotal = scored.Sum(s => s.Scores.Clv36m ?? 0),
                offersProposed = scored.Sum(s => s.Offers.Count),
                customersWithOffers = scored.Count(s => s.Offers.Count > 0),
                alerts = scored.Count(s => s.Alert is not null),
                writes = new { contactsChanged = results.Count(x => x.Writes > 0), writeCalls = results.Sum(x => x.Writes) },
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            };
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(summary);
            }
            else
            {
                var console = CliSupport.Stdout();
                console.MarkupLineInterpolated($"scored [bold]{summary.scored:N0}[/] of {summary.contacts:N0} contacts as of {summary.asOf} with model {summary.model} ({summary.optedOut:N0} opted out, {summary.inactive:N0} inactive)");
                console.MarkupLineInterpolated($"risk bands: {string.Join(", ", summary.bands.Select(b => $"{b.Key} {b.Value:N0}"))}; mean churn probability {summary.meanChurnProbability:P1}");
                console.MarkupLineInterpolated($"CLV 12m total €{summary.clv12mTotal:N0}, 36m total €{summary.clv36mTotal:N0}; {summary.offersProposed:N0} offers for {summary.customersWithOffers:N0} customers; {summary.alerts:N0} alerts");
                console.MarkupLineInterpolated($"writes: {summary.writes.contactsChanged:N0} contacts changed ({summary.writes.writeCalls:N0} writes)");
            }
            return 0;
        }));
        return command;
    }

    private static Command ChurnTruth()
    {
        var scores = new Option<string>("--scores") { Description = "Scores CSV of `rtn score --as-of D --out FILE` (columns contactid, churn_probability).", Required = true };
        var truth = new Option<string>("--truth") { Description = "Truth CSV of `rtn generate --truth-as-of D --truth-out FILE`.", Required = true };
        var json = Json();
        var command = new Command("truth", "Compare scores with a generated org's planted truth: model AUC against the true and observable AUC, calibration against the true probabilities.")
        {
            scores, truth, json,
        };
        command.SetAction(r => CliSupport.Run(() =>
        {
            var predicted = ReadColumns(r.GetValue(scores)!, "--scores", "contactid", "churn_probability");
            var planted = ReadColumns(r.GetValue(truth)!, "--truth", "contactid", "true_probability", "observable_probability", "churned_within_horizon");
            var rows = new List<ScoredTruth>();
            foreach (var (id, t) in planted)
            {
                if (!predicted.TryGetValue(id, out var p) || p[0].Length == 0)
                    continue; // not scored at the truth date (left before it, opted out)
                rows.Add(new ScoredTruth(Number(p[0], "--scores", id), Number(t[0], "--truth", id), Number(t[1], "--truth", id),
                    string.Equals(t[2], "true", StringComparison.OrdinalIgnoreCase)));
            }
            TruthComparison result;
            try
            {
                result = TruthComparison.Compute(rows);
            }
            catch (ArgumentException e)
            {
                throw new CliInputException(e.Message.Split(" (Parameter")[0]);
            }
            var output = new
            {
                customers = result.Customers,
                inTruthFile = planted.Count,
                churned = result.Churned,
                churnRate = Math.Round(result.ChurnRate, 4),
                meanPredicted = Math.Round(result.MeanPredicted, 4),
                meanTrueProbability = Math.Round(result.MeanTrueProbability, 4),
                auc = new { model = Math.Round(result.ModelAuc, 4), observableTruth = Math.Round(result.ObservableAuc, 4), fullTruth = Math.Round(result.TrueAuc, 4) },
                aucGapToObservable = Math.Round(result.AucGapToObservable, 4),
                eceVersusTrue = Math.Round(result.EceVersusTrue, 4),
                eceVersusObservable = Math.Round(result.EceVersusObservable, 4),
            };
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(output);
            }
            else
            {
                var console = CliSupport.Stdout();
                console.MarkupLineInterpolated($"{result.Customers:N0} customers scored and in the truth file, churn rate {result.ChurnRate:P1}, mean prediction {result.MeanPredicted:P1} (true {result.MeanTrueProbability:P1})");
                console.MarkupLineInterpolated($"AUC model [bold]{result.ModelAuc:0.0000}[/], observable truth {result.ObservableAuc:0.0000}, full truth {result.TrueAuc:0.0000}; ECE against the true probabilities {result.EceVersusTrue:0.0000}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The named columns of a CSV by its first column (the id); a missing file or column is a CLI error.</summary>
    private static Dictionary<string, string[]> ReadColumns(string path, string option, string id, params string[] columns)
    {
        if (!File.Exists(path))
            throw new CliInputException($"{option}: file '{path}' not found.");
        CsvTable table;
        try
        {
            using var reader = new StreamReader(path);
            table = CsvTable.Read(reader, path);
        }
        catch (InvalidDataException e)
        {
            throw new CliInputException($"{option}: {e.Message}");
        }
        int Index(string name)
        {
            try
            {
                return table.Column(name);
            }
            catch (KeyNotFoundException e)
            {
                throw new CliInputException($"{option}: {path}: {e.Message}");
            }
        }
        var idIndex = Index(id);
        var indexes = columns.Select(Index).ToArray();
        var rows = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in table.Rows)
            rows[row[idIndex]] = indexes.Select(i => row[i]).ToArray();
        return rows;
    }

    private static double Number(string text, string option, string id) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CliInputException($"{option}: contact {id} has '{text}' where a number belongs.");

    private static Command ChurnEvaluate()
    {
        var csv = new Option<string>("--csv") { Description = "CSV with one row per customer.", Required = true };
        var id = new Option<string>("--id") { Description = "Customer id column (excluded from features).", Required = true };
        var label = new Option<string>("--label") { Description = "Churn label column.", Required = true };
        var positive = new Option<string?>("--positive") { Description = "Label value meaning churned (default: 1/true/yes)." };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed for folds and learner.", DefaultValueFactory = _ => 42 };
        var json = Json();
        var command = new Command("evaluate", "Stratified k-fold AUC of the churn learner (LightGBM, with a logistic baseline) on any tabular CSV.")
        {
            csv, id, label, positive, folds, seed, json,
        };
        command.SetAction(r => CliSupport.Run(() =>
        {
            var path = r.GetValue(csv)!;
            if (!File.Exists(path))
                throw new CliInputException($"--csv: file '{path}' not found.");
            CsvTable table;
            using (var reader = new StreamReader(path))
                table = CsvTable.Read(reader, path);
            TabularEvaluation result;
            try
            {
                result = TabularChurnEvaluator.Evaluate(table, r.GetValue(id)!, r.GetValue(label)!, r.GetValue(positive), r.GetValue(folds), r.GetValue(seed));
            }
            catch (KeyNotFoundException e)
            {
                throw new CliInputException($"{path}: {e.Message}");
            }
            var output = new
            {
                file = path,
                rows = result.Rows,
                positives = result.Positives,
                folds = result.Folds,
                seed = result.Seed,
                auc = new { mean = Math.Round(result.MeanAuc, 4), sd = Math.Round(result.SdAuc, 4) },
                baselineAuc = new { mean = Math.Round(result.BaselineMeanAuc, 4), sd = Math.Round(result.BaselineSdAuc, 4) },
                perFold = result.FoldResults,
                numericColumns = result.Columns.Where(c => c.Numeric).Select(c => c.Name),
                categoricalColumns = result.Columns.Where(c => !c.Numeric).Select(c => c.Name),
                ignoredColumns = result.IgnoredColumns,
                leakageWarning = result.MeanAuc > 0.90 ? "AUC above 0.90: check that no column is derived from the label" : null,
            };
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(output);
            }
            else
            {
                var console = CliSupport.Stdout();
                console.MarkupLineInterpolated($"{result.Rows:N0} rows, {result.Positives:N0} positive ({result.Positives / (double)result.Rows:P1}); {result.Folds}-fold stratified, seed {result.Seed}");
                console.MarkupLineInterpolated($"LightGBM AUC [bold]{result.MeanAuc:0.0000} ± {result.SdAuc:0.0000}[/]; logistic baseline {result.BaselineMeanAuc:0.0000} ± {result.BaselineSdAuc:0.0000}");
                if (output.leakageWarning is { } warning)
                    console.MarkupLineInterpolated($"[yellow]{warning}[/]");
            }
            return 0;
        }));
        return command;
    }

    private static Command ClvFit()
    {
        var file = new Option<string>("--transactions") { Description = "CSV with one row per transaction.", Required = true };
        var customer = new Option<string>("--customer-col") { Description = "Customer id column.", Required = true };
        var date = new Option<string>("--date-col") { Description = "Transaction date column (yyyy-MM-dd or yyyyMMdd).", Required = true };
        var amount = new Option<string>("--amount-col") { Description = "Transaction value column.", Required = true };
        var end = new Option<string>("--calibration-end") { Description = "Last day of the calibration period.", Required = true };
        var unit = new Option<string>("--time-unit") { Description = "Unit of t_x, T and the rates: day, week or month.", DefaultValueFactory = _ => "week" };
        var json = Json();
        var command = new Command("fit", "Fit BG/NBD and Gamma–Gamma to a transaction log and print parameters and log-likelihoods.")
        {
            file, customer, date, amount, end, unit, json,
        };
        command.SetAction(r => CliSupport.Run(() =>
        {
            var path = r.GetValue(file)!;
            if (!File.Exists(path))
                throw new CliInputException($"--transactions: file '{path}' not found.");
            var timeUnit = TimeUnits.Parse(r.GetValue(unit)!);
            var calibrationEnd = CliSupport.ParseDate(r.GetValue(end)!, "--calibration-end");
            CsvTable table;
            using (var reader = new StreamReader(path))
                table = CsvTable.Read(reader, path);
            int c, d, a;
            try
            {
                (c, d, a) = (table.Column(r.GetValue(customer)!), table.Column(r.GetValue(date)!), table.Column(r.GetValue(amount)!));
            }
            catch (KeyNotFoundException e)
            {
                throw new CliInputException($"{path}: {e.Message}");
            }
            var transactions = table.Rows.Select((row, i) => new Transaction(row[c],
                ParseTransactionDate(row[d], path, i + 2, table.Header[d]),
                double.TryParse(row[a], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
                    : throw new CliInputException($"{path} row {i + 2}: '{row[a]}' in column '{table.Header[a]}' is not a number."))).ToArray();
            var summaries = RfmBuilder.Build(transactions, calibrationEnd, timeUnit);
            var bg = BgNbd.Fit(summaries);
            GammaGammaFit? gg = null;
            string? ggError = null;
            try
            {
                gg = GammaGamma.Fit(summaries);
            }
            catch (ArgumentException e)
            {
                ggError = e.Message;
            }
            var holdout = RfmBuilder.HoldoutCounts(transactions, calibrationEnd, DateTime.MaxValue.Date);
            var output = new
            {
                file = path,
                timeUnit = timeUnit.ToString().ToLowerInvariant(),
                calibrationEnd = calibrationEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                customers = summaries.Count,
                repeatCustomers = summaries.Count(s => s.Frequency > 0),
                repeatTransactions = summaries.Sum(s => s.Frequency),
                transactionsAfterCalibration = holdout.Values.Sum(),
                bgnbd = new { r = bg.Parameters.R, alpha = bg.Parameters.Alpha, a = bg.Parameters.A, b = bg.Parameters.B, logLikelihood = bg.LogLikelihood, converged = bg.Converged },
                gammaGamma = gg is null ? null : new { p = gg.Parameters.P, q = gg.Parameters.Q, gamma = gg.Parameters.Gamma, logLikelihood = gg.LogLikelihood, customers = gg.Customers, meanSpend = gg.Parameters.PopulationMeanSpend },
                gammaGammaError = ggError,
            };
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(output);
            }
            else
            {
                var console = CliSupport.Stdout();
                console.MarkupLineInterpolated($"{summaries.Count:N0} customers ({output.repeatCustomers:N0} repeat), calibration to {output.calibrationEnd}, time unit: {output.timeUnit}");
                console.MarkupLineInterpolated($"BG/NBD: r={bg.Parameters.R:0.0000} α={bg.Parameters.Alpha:0.0000} a={bg.Parameters.A:0.0000} b={bg.Parameters.B:0.0000}  LL={bg.LogLikelihood:0.000}");
                if (gg is not null)
                    console.MarkupLineInterpolated($"Gamma–Gamma: p={gg.Parameters.P:0.0000} q={gg.Parameters.Q:0.0000} γ={gg.Parameters.Gamma:0.0000}  LL={gg.LogLikelihood:0.000}");
                else
                    console.MarkupLineInterpolated($"Gamma–Gamma not fitted: {ggError}");
            }
            return 0;
        }));
        return command;
    }

    private static Command BenchEngine()
    {
        var contacts = new Option<int>("--contacts") { Description = "Contacts in the generated org.", DefaultValueFactory = _ => 400_000 };
        var db = new Option<string?>("--db") { Description = "Org to use; generated here first when the file does not exist (default: a temporary file)." };
        var seed = new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 42 };
        var command = new Command("engine", "Time reading, feature building, training, scoring and writing on a generated org; prints JSON.") { contacts, db, seed };
        command.SetAction((r, ct) => RunAsync(async () =>
        {
            var n = r.GetValue(contacts);
            var path = r.GetValue(db) ?? Path.Combine(Path.GetTempPath(), $"rtn-bench-{n}-{r.GetValue(seed)}.db");
            double? generateSeconds = null;
            var clock = Stopwatch.StartNew();
            if (!File.Exists(path))
            {
                Log($"generating {n:N0} contacts into {path}");
                OrgGenerator.Generate(path, new GeneratorOptions { Contacts = n, Seed = r.GetValue(seed) }, cancellationToken: ct);
                generateSeconds = clock.Elapsed.TotalSeconds;
            }
            var result = await EngineBenchmark.RunAsync(path, Log, ct);
            CliSupport.WriteJson(new { database = path, contacts = n, generateSeconds, result.Stages, result.Counts, result.Metrics, cores = Environment.ProcessorCount });
            return 0;
        }));
        return command;
    }

    internal static (OrgData Data, DateTime AsOf) Load(string path, string? asOf)
    {
        var date = AsOfDate(path, asOf);
        var data = new LocalOrgReader().ReadAll(path);
        if (data.Histories.Count == 0)
            throw new CliInputException($"--db: '{path}' holds no contacts.");
        return (data, date);
    }

    /// <summary>--as-of, else the org's generation date, else today (UTC).</summary>
    internal static DateTime AsOfDate(string path, string? asOf)
    {
        if (!File.Exists(path))
            throw new CliInputException($"--db: no local org at '{path}'. Create one with: rtn generate --db {path}");
        DateTime date;
        if (asOf is not null)
        {
            date = CliSupport.ParseDate(asOf, "--as-of");
        }
        else
        {
            using var connection = LocalOrgDatabase.OpenExisting(path, readOnly: true);
            date = LocalOrgDatabase.GetInfo(connection, "generator.until") is { } until
                ? CliSupport.ParseDate(until, "generator.until")
                : DateTime.UtcNow.Date;
        }
        return DateTime.SpecifyKind(date, DateTimeKind.Utc);
    }

    private static void WriteCsv(string path, IReadOnlyList<RescoreResult> results, IReadOnlyDictionary<Guid, string> offerNames)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.WriteLine("contactid,status,churn_probability,risk_band,clv_12m,clv_36m,p_alive,offer_1,offer_2,offer_3");
        foreach (var result in results.Where(x => x.Found))
        {
            var s = result.Outcome;
            var offers = Enumerable.Range(0, 3).Select(i => s is not null && i < s.Offers.Count ? Quote(offerNames.GetValueOrDefault(s.Offers[i].OfferId, "")) : "");
            writer.WriteLine(string.Join(",", [
                result.ContactId.ToString("D"), s?.Status.ToString() ?? ScoreStatus.OptedOut.ToString(),
                s?.Scores.ChurnProbability?.ToString("0.####", CultureInfo.InvariantCulture) ?? "",
                s?.Scores.ChurnRiskBand is { } band ? RiskBands.Label(band) : "",
                s?.Scores.Clv12m?.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
                s?.Scores.Clv36m?.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
                s?.Scores.PAlive?.ToString("0.####", CultureInfo.InvariantCulture) ?? "",
                .. offers,
            ]));
        }
    }

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    private static DateTime ParseTransactionDate(string value, string path, int row, string column)
    {
        if (DateTime.TryParseExact(value.Trim(), ["yyyy-MM-dd", "yyyyMMdd", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
            return date;
        throw new CliInputException($"{path} row {row}: '{value}' in column '{column}' is not a date (yyyy-MM-dd or yyyyMMdd).");
    }

    private static string F(double v, string format = "0.0000") => v.ToString(format, CultureInfo.InvariantCulture);

    private static void Log(string message) => Console.Error.WriteLine(message);

    private static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception e) when (e is CliInputException or ArgumentException or IOException or InvalidDataException or FormatException or UnauthorizedAccessException or InvalidOperationException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return CliSupport.BadInput;
        }
    }
}

/// <summary>
/// The engine benchmark: each stage timed once in one process, so ratios are comparable (reading the raw rows is the floor
/// feature building is judged against). Writes run twice: the second pass shows what an unchanged rescore costs.
/// </summary>
internal static class EngineBenchmark
{
    public sealed record Result(IReadOnlyDictionary<string, double> Stages, IReadOnlyDictionary<string, double> Counts, IReadOnlyDictionary<string, double> Metrics);

    public static async Task<Result> RunAsync(string path, Action<string> log, CancellationToken cancellationToken)
    {
        var stages = new Dictionary<string, double>();
        var counts = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        double Lap()
        {
            var s = Math.Round(clock.Elapsed.TotalSeconds, 3);
            clock.Restart();
            return s;
        }

        using (var connection = LocalOrgDatabase.OpenExisting(path, readOnly: true))
        {
            var (rows, _) = LocalOrgReader.Scan(connection);
            stages["readRowsFloorSeconds"] = Lap();
            counts["sourceRows"] = rows;
        }
        log("floor scan done");
        var (data, asOf) = EngineCommands.Load(path, null);
        stages["readRecordsSeconds"] = Lap();
        counts["contacts"] = data.Histories.Count;
        log("records read");
        var sentiment = await MessageSentiment.ComputeAsync(new OfflineSentimentAnalyzer(), data.Histories, cancellationToken: cancellationToken);
        stages["sentimentSeconds"] = Lap();
        counts["messagesAnalysed"] = sentiment.Count;
        var features = new float[data.Histories.Count][];
        Parallel.For(0, data.Histories.Count, i => features[i] = FeatureBuilder.Build(data.Histories[i], asOf, sentiment));
        stages["featuresOneSnapshotSeconds"] = Lap();
        log("features built; training");
        var training = EngineTrainer.Train(data.Histories, data.Offers, new TrainingOptions { AsOf = asOf }, sentiment);
        stages["trainTotalSeconds"] = Lap();
        foreach (var (k, v) in training.Timings)
            stages["train." + k] = Math.Round(v, 3);
        counts["trainingRows"] = training.Metadata.Metrics[MetricNames.TrainingRows];
        var engine = new RetentionEngine(training.Model, training.Metadata, data.Offers);
        log("trained; scoring");
        var scores = engine.ScoreBatch(data.Histories, asOf, sentiment);
        stages["scoreAllSeconds"] = Lap();
        counts["scored"] = scores.Count(s => s.Status == ScoreStatus.Scored);

        // The per-event path of the service: read one customer with the single-customer reader, score it. Median of 200.
        var reader = new LocalOrgReader();
        var sample = Enumerable.Range(0, 200).Select(i => data.Histories[(int)((long)i * data.Histories.Count / 200)].Contact.Id).ToArray();
        var readMs = new List<double>();
        var scoreMs = new List<double>();
        using (var connection = LocalOrgDatabase.OpenExisting(path, readOnly: true))
        {
            foreach (var id in sample)
            {
                var one = Stopwatch.StartNew();
                var history = reader.ReadCustomer(connection, id)!;
                readMs.Add(one.Elapsed.TotalMilliseconds);
                one.Restart();
                engine.Score(history, asOf, sentiment);
                scoreMs.Add(one.Elapsed.TotalMilliseconds);
            }
        }
        stages["eventReadOneCustomerMedianMs"] = Math.Round(Median(readMs), 2);
        stages["eventScoreOneCustomerMedianMs"] = Math.Round(Median(scoreMs), 2);
        Lap();
        // The pipeline the service and `rtn score` run (read, score, offers, alerts, change-only writes), twice: the second
        // run shows what an unchanged rescore costs.
        var modelsPath = Path.Combine(Path.GetTempPath(), "rtn-bench-models-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var zip = new MemoryStream())
            {
                training.Model.Save(zip);
                zip.Position = 0;
                await ModelRegistry.SaveAndPromoteAsync(new LocalFolderModelStore(modelsPath), training.Metadata, zip, cancellationToken);
            }
            await using var pipeline = ServiceRegistration.BuildPipeline(new Dictionary<string, string?>
            {
                ["Retention:LocalOrgPath"] = path,
                ["Retention:ModelsPath"] = modelsPath,
            });
            var rescorer = pipeline.GetRequiredService<CustomerRescorer>();
            Lap();
            var first = await rescorer.RescoreAllAsync(asOf, null, cancellationToken);
            stages["pipelineFirstRunSeconds"] = Lap();
            var second = await rescorer.RescoreAllAsync(asOf, null, cancellationToken);
            stages["pipelineUnchangedRunSeconds"] = Lap();
            counts["firstRunWrites"] = first.Sum(r => r.Writes);
            counts["unchangedRunWrites"] = second.Sum(r => r.Writes);
            counts["unchangedWritesPer1000Contacts"] = Math.Round(second.Sum(r => r.Writes) * 1000.0 / Math.Max(1, second.Count), 3);
        }
        finally
        {
            if (Directory.Exists(modelsPath))
                Directory.Delete(modelsPath, recursive: true);
        }
        var metrics = new Dictionary<string, double>
        {
            ["holdoutAuc"] = Math.Round(training.Holdout.Auc, 4),
            ["baselineAuc"] = Math.Round(training.Baseline.Auc, 4),
            ["holdoutEce"] = Math.Round(training.Holdout.Ece, 4),
            ["featureSecondsPerReadFloor"] = Math.Round(stages["featuresOneSnapshotSeconds"] / Math.Max(1e-9, stages["readRowsFloorSeconds"]), 3),
        };
        return new Result(stages, counts, metrics);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
