using RetentionInsights.Data.Records;
using RetentionInsights.Scoring.Features;

namespace RetentionInsights.Scoring.Engine;

/// <summary>Which snapshot dates a training run uses: labels of every training snapshot end before the holdout starts.</summary>
public sealed record SnapshotPlan(IReadOnlyList<DateTime> Training, DateTime Holdout, int HorizonDays)
{
    /// <summary>Months of history a snapshot needs before it is worth learning from (payment and case windows fill up).</summary>
    public const int MinimumHistoryMonths = 3;

    public static DateTime MonthStartOnOrBefore(DateTime d) => new(d.Year, d.Month, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// The holdout is the last month start whose label window (T, T+horizon] ends on or before <paramref name="asOf"/>;
    /// training snapshots are earlier month starts whose windows end on or before the holdout date (time-based split, no
    /// overlap of label windows with the holdout), back to <see cref="MinimumHistoryMonths"/> after the data starts.
    /// </summary>
    public static SnapshotPlan Create(DateTime asOf, int horizonDays, DateTime dataStart, int maxSnapshots = 12)
    {
        var holdout = MonthStartOnOrBefore(asOf.AddDays(-horizonDays));
        var earliest = MonthStartOnOrBefore(dataStart).AddMonths(MinimumHistoryMonths);
        var training = new List<DateTime>();
        for (var t = MonthStartOnOrBefore(holdout.AddDays(-horizonDays)); t >= earliest && training.Count < maxSnapshots; t = t.AddMonths(-1))
            training.Add(t);
        training.Reverse();
        if (training.Count == 0)
            throw new InvalidOperationException(
                $"Not enough history to train: data starts {dataStart:yyyy-MM-dd}, the holdout snapshot is {holdout:yyyy-MM-dd} with a {horizonDays}-day horizon; " +
                $"training needs snapshots from {earliest:yyyy-MM-dd} whose labels end by {holdout:yyyy-MM-dd}. Use a later --as-of or a shorter --horizon-days.");
        return new SnapshotPlan(training, holdout, horizonDays);
    }
}

/// <summary>Who is in a snapshot and what their label is.</summary>
public static class ChurnLabels
{
    public enum Status
    {
        Eligible,
        NotYetCustomer,
        ChurnedBefore,
        InactiveWithoutEndDate,
    }

    /// <summary>Whether the contact was a customer at T (created before T and not left before T), from dated records (see <see cref="PointInTime"/>).</summary>
    public static Status At(CustomerHistory history, DateTime t) => PointInTime.StatusAt(history, t) switch
    {
        CustomerStatusAt.NotYetCustomer => Status.NotYetCustomer,
        CustomerStatusAt.Left => Status.ChurnedBefore,
        CustomerStatusAt.LeftOnUnknownDate => Status.InactiveWithoutEndDate,
        _ => Status.Eligible,
    };

    /// <summary>Label for snapshot T: the customer left within [T, T + horizon).</summary>
    public static bool ChurnsWithin(CustomerHistory history, DateTime t, int horizonDays) => PointInTime.LeavesWithin(history, t, horizonDays);

    /// <summary>Earliest activity date in the data (first invoice, case or message), used as the start of the data window.</summary>
    public static DateTime DataStart(IEnumerable<CustomerHistory> histories)
    {
        var min = DateTime.MaxValue;
        foreach (var h in histories)
        {
            foreach (var i in h.Invoices) if (i.CreatedOn < min) min = i.CreatedOn;
            foreach (var c in h.Cases) if (c.CreatedOn < min) min = c.CreatedOn;
        }
        return min == DateTime.MaxValue ? throw new InvalidOperationException("No invoices or cases in the data: nothing to learn from.") : min;
    }

    /// <summary>Builds feature rows (raw, unclipped) and labels for every eligible customer at T, in parallel.</summary>
    public static (List<float[]> Rows, List<bool> Labels, List<int> HistoryIndex) Build(IReadOnlyList<CustomerHistory> histories, DateTime t, int horizonDays, MessageSentiment sentiment, PreparationReport report)
    {
        var rows = new float[histories.Count][];
        var statuses = new Status[histories.Count];
        Parallel.For(0, histories.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            statuses[i] = At(histories[i], t);
            if (statuses[i] == Status.Eligible)
                rows[i] = FeatureBuilder.Build(histories[i], t, sentiment);
        });
        var outRows = new List<float[]>();
        var labels = new List<bool>();
        var index = new List<int>();
        for (var i = 0; i < histories.Count; i++)
        {
            switch (statuses[i])
            {
                case Status.Eligible:
                    outRows.Add(rows[i]);
                    labels.Add(ChurnsWithin(histories[i], t, horizonDays));
                    index.Add(i);
                    break;
                case Status.NotYetCustomer:
                    report.Drop("not yet a customer at the snapshot");
                    break;
                case Status.ChurnedBefore:
                    report.Drop("already left before the snapshot");
                    break;
                default:
                    report.Drop("inactive contact without any dated record (churn date unknown)");
                    break;
            }
        }
        return (outRows, labels, index);
    }
}
