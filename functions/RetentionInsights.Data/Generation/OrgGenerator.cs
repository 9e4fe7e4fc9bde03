using System.Globalization;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Data.Generation;

public sealed record GenerationSummary(int Contacts, int Churned, IReadOnlyDictionary<string, long> RowsPerTable, IReadOnlyList<TruthRow> Truth);

/// <summary>
/// Writes a synthetic energy-supplier org into a local org database. Customers are simulated independently (in parallel,
/// each from its own seeded stream) and written in batches in one transaction per batch, so memory stays bounded at any size.
/// </summary>
public static class OrgGenerator
{
    private const int BatchSize = 2_000;

    public static GenerationSummary Generate(string dbPath, GeneratorOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (File.Exists(dbPath))
            throw new IOException($"'{dbPath}' already exists; the generator never overwrites an org. Delete it or choose another --db path.");

        var model = DataModel.Current;
        var layouts = new RowLayouts(model);
        var catalogue = new OfferCatalogue(options.Seed);
        var simulator = new CustomerSimulator(options, layouts, catalogue);
        var counts = model.Tables.ToDictionary(t => t.LogicalName, _ => 0L);
        var truth = new List<TruthRow>();
        var churned = 0;

        using var connection = LocalOrgDatabase.Open(dbPath, model, withIndexes: false);
        // A large page cache keeps the primary-key B-trees (random GUIDs) in memory during the bulk load.
        LocalOrgDatabase.Execute(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-524288;");
        var writers = model.Tables.ToDictionary(t => t.LogicalName, t => new TableWriter(connection, t));
        try
        {
            using (var tx = connection.BeginTransaction())
            {
                foreach (var w in writers.Values)
                    w.Transaction = tx;
                foreach (var row in catalogue.Rows(layouts, options.WindowStart.AddMonths(-12)))
                {
                    writers["rtn_offer"].Insert(row);
                    counts["rtn_offer"]++;
                }
                tx.Commit();
            }

            var batch = new SimulatedRows[BatchSize];
            for (var start = 0; start < options.Contacts; start += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var size = Math.Min(BatchSize, options.Contacts - start);
                Parallel.For(0, size, new ParallelOptions { CancellationToken = cancellationToken }, i => batch[i] = simulator.Simulate(start + i));
                using var tx = connection.BeginTransaction();
                foreach (var w in writers.Values)
                    w.Transaction = tx;
                for (var i = 0; i < size; i++)
                {
                    var customer = batch[i];
                    foreach (var (table, row) in customer.Rows)
                    {
                        writers[table].Insert(row);
                        counts[table]++;
                    }
                    if (customer.Truth is { } t)
                        truth.Add(t);
                    if (customer.Churned)
                        churned++;
                    batch[i] = null!;
                }
                tx.Commit();
                progress?.Report(start + size);
            }

            LocalOrgDatabase.SetInfo(connection, "generator.seed", options.Seed.ToString(CultureInfo.InvariantCulture));
            LocalOrgDatabase.SetInfo(connection, "generator.contacts", options.Contacts.ToString(CultureInfo.InvariantCulture));
            // The org's "today": readers default their as-of date to it, so an export taken mid-month is scored on its own day.
            LocalOrgDatabase.SetInfo(connection, "generator.until", StorageFormat.Date(options.ExportDate));
            LocalOrgDatabase.SetInfo(connection, "generator.windowstart", StorageFormat.Date(options.WindowStart));
        }
        finally
        {
            foreach (var w in writers.Values)
                w.Dispose();
        }
        foreach (var table in model.Tables)
            LocalOrgDatabase.Execute(connection, LocalOrgSchema.CreateIndexes(table));
        LocalOrgDatabase.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
        SqliteConnection.ClearAllPools();
        return new GenerationSummary(options.Contacts, churned, counts, truth);
    }

    public static void WriteTruth(string path, IReadOnlyList<TruthRow> truth)
    {
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false));
        var codes = truth.FirstOrDefault()?.Offers.Select(o => o.Code.ToLowerInvariant()).ToArray() ?? [];
        writer.WriteLine("contactid,true_probability,churned_within_horizon,observable_probability"
            + ",churn_if_declined,control_group,churned_if_treated,churned_if_control"
            + string.Concat(codes.Select(c => $",{c}_acceptance,{c}_churn_if_accepted,{c}_churn_if_offered")));
        foreach (var row in truth)
            writer.WriteLine($"{StorageFormat.Guid(row.ContactId)},{F(row.TrueProbability)},{B(row.ChurnedWithinHorizon)},{F(row.ObservableProbability)}"
                + $",{F(row.ChurnIfDeclined)},{B(row.InControlGroup)},{B(row.ChurnedIfTreated)},{B(row.ChurnedIfControl)}"
                + string.Concat(row.Offers.Select(o => $",{F(o.Acceptance)},{F(o.ChurnIfAccepted)},{F(o.Acceptance * o.ChurnIfAccepted + (1 - o.Acceptance) * row.ChurnIfDeclined)}")));

        static string F(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
        static string B(bool value) => value ? "true" : "false";
    }
}
