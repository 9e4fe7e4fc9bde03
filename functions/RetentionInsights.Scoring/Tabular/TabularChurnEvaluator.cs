using System.Globalization;
using RetentionInsights.Scoring.Churn;
using RetentionInsights.Scoring.Evaluation;

namespace RetentionInsights.Scoring.Tabular;

public sealed record TabularColumn(string Name, bool Numeric, IReadOnlyList<string> Levels, int Blanks);

public sealed record FoldResult(int Fold, int Rows, int Positives, double LightGbmAuc, double BaselineAuc);

public sealed record TabularEvaluation(
    int Rows,
    int Positives,
    int Folds,
    int Seed,
    IReadOnlyList<TabularColumn> Columns,
    IReadOnlyList<string> IgnoredColumns,
    IReadOnlyList<FoldResult> FoldResults)
{
    public double MeanAuc => FoldResults.Average(f => f.LightGbmAuc);
    public double SdAuc => StandardDeviation(FoldResults.Select(f => f.LightGbmAuc));
    public double BaselineMeanAuc => FoldResults.Average(f => f.BaselineAuc);
    public double BaselineSdAuc => StandardDeviation(FoldResults.Select(f => f.BaselineAuc));

    private static double StandardDeviation(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length < 2)
            return 0;
        var mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }
}

/// <summary>
/// The churn learner on a customer's own tabular export: numeric columns are used as they are (blanks become missing, which
/// LightGBM handles natively), text columns become one-hot indicators (levels beyond <see cref="MaxLevels"/> or columns that
/// are unique per row, like ids, are ignored), then stratified k-fold cross-validation reports AUC per fold for LightGBM and
/// the logistic-regression baseline. Encoding uses only the column values, never the label, so it cannot leak.
/// </summary>
public static class TabularChurnEvaluator
{
    public const int MaxLevels = 50;

    public static TabularEvaluation Evaluate(CsvTable table, string idColumn, string labelColumn, string? positiveValue, int folds, int seed, ChurnLearnerOptions? options = null)
    {
        if (folds < 2)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "--folds must be at least 2.");
        var id = table.Column(idColumn);
        var label = table.Column(labelColumn);
        var labels = table.Rows.Select((r, i) => ParseLabel(r[label], positiveValue, i + 2, labelColumn)).ToArray();
        var positives = labels.Count(l => l);
        if (positives < folds || table.Rows.Count - positives < folds)
            throw new InvalidDataException($"Column '{labelColumn}' needs at least {folds} positive and {folds} negative rows (has {positives} positive of {table.Rows.Count}).");

        var (columns, ignored) = Describe(table, [id, label]);
        var rows = Encode(table, columns);
        var featureNames = columns.SelectMany(c => c.Numeric ? [c.Name] : c.Levels.Select(l => $"{c.Name}={l}")).ToArray();

        var foldOf = StratifiedFolds(labels, folds, seed);
        var results = new List<FoldResult>();
        for (var f = 0; f < folds; f++)
        {
            var trainIdx = Enumerable.Range(0, rows.Length).Where(i => foldOf[i] != f).ToArray();
            var testIdx = Enumerable.Range(0, rows.Length).Where(i => foldOf[i] == f).ToArray();
            var trainX = trainIdx.Select(i => rows[i]).ToArray();
            var trainY = trainIdx.Select(i => labels[i]).ToArray();
            var testX = testIdx.Select(i => rows[i]).ToArray();
            var testY = testIdx.Select(i => labels[i]).ToArray();
            var model = ChurnLearner.TrainLightGbm(trainX, trainY, featureNames, options ?? TabularDefaults with { Seed = seed });
            var p = model.PredictProbabilities(testX);
            var baseline = ChurnLearner.TrainAndScoreBaseline(trainX, trainY, testX, seed);
            results.Add(new FoldResult(f + 1, testIdx.Length, testY.Count(y => y), BinaryMetrics.RocAuc(p, testY), BinaryMetrics.RocAuc(baseline, testY)));
        }
        return new TabularEvaluation(rows.Length, positives, folds, seed, columns, ignored, results);
    }

    /// <summary>Small tabular sets (thousands of rows) need a slower learning rate and smaller trees than the engine's data.</summary>
    public static readonly ChurnLearnerOptions TabularDefaults = new()
    {
        NumberOfLeaves = 8,
        MinimumExampleCountPerLeaf = 30,
        LearningRate = 0.03,
        NumberOfIterations = 300,
        L2Regularization = 1.0,
    };

    private static bool ParseLabel(string value, string? positive, int line, string column)
    {
        var v = value.Trim();
        if (positive is not null)
            return string.Equals(v, positive, StringComparison.OrdinalIgnoreCase);
        return v.ToLowerInvariant() switch
        {
            "1" or "true" or "yes" or "y" or "churned" => true,
            "0" or "false" or "no" or "n" or "active" or "stayed" => false,
            _ => throw new InvalidDataException($"Row {line}: label '{value}' in column '{column}' is not a yes/no value; pass --positive VALUE."),
        };
    }

    private static (List<TabularColumn> Columns, List<string> Ignored) Describe(CsvTable table, int[] exclude)
    {
        var columns = new List<TabularColumn>();
        var ignored = new List<string>();
        for (var c = 0; c < table.Header.Count; c++)
        {
            if (exclude.Contains(c))
                continue;
            var values = table.Rows.Select(r => r[c].Trim()).ToArray();
            var blanks = values.Count(string.IsNullOrEmpty);
            var nonBlank = values.Where(v => v.Length > 0).ToArray();
            if (nonBlank.Length == 0)
            {
                ignored.Add($"{table.Header[c]} (empty)");
                continue;
            }
            if (nonBlank.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                columns.Add(new TabularColumn(table.Header[c], true, [], blanks));
                continue;
            }
            var levels = nonBlank.Distinct(StringComparer.Ordinal).OrderBy(l => l, StringComparer.Ordinal).ToArray();
            if (levels.Length > MaxLevels || levels.Length > 0.5 * values.Length)
            {
                ignored.Add($"{table.Header[c]} (text with {levels.Length} distinct values)");
                continue;
            }
            columns.Add(new TabularColumn(table.Header[c], false, levels, blanks));
        }
        return (columns, ignored);
    }

    private static float[][] Encode(CsvTable table, List<TabularColumn> columns)
    {
        var indexes = columns.Select(c => table.Column(c.Name)).ToArray();
        var width = columns.Sum(c => c.Numeric ? 1 : c.Levels.Count);
        return table.Rows.Select(r =>
        {
            var x = new float[width];
            var k = 0;
            for (var c = 0; c < columns.Count; c++)
            {
                var raw = r[indexes[c]].Trim();
                if (columns[c].Numeric)
                {
                    x[k++] = raw.Length == 0 ? float.NaN : float.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
                }
                else
                {
                    for (var l = 0; l < columns[c].Levels.Count; l++)
                        x[k++] = columns[c].Levels[l] == raw ? 1 : 0;
                }
            }
            return x;
        }).ToArray();
    }

    /// <summary>Assigns each row a fold so every fold has the same share of positives (shuffled with the seed).</summary>
    public static int[] StratifiedFolds(IReadOnlyList<bool> labels, int folds, int seed)
    {
        var random = new Random(seed);
        var fold = new int[labels.Count];
        foreach (var cls in new[] { true, false })
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == cls).ToArray();
            random.Shuffle(members);
            for (var k = 0; k < members.Length; k++)
                fold[members[k]] = k % folds;
        }
        return fold;
    }
}
