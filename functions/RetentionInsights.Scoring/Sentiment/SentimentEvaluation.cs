using System.Text;

namespace RetentionInsights.Scoring.Sentiment;

/// <summary>One row of a labelled message set: text, language ("nl"/"en"), gold label negative/neutral/positive.</summary>
public sealed record LabelledMessage(string Text, string Language, string Label);

public sealed record ClassMetrics(string Label, int Support, double Precision, double Recall, double F1);

public sealed record SentimentEvaluationReport(
    int Messages,
    double Accuracy,
    double MacroF1,
    IReadOnlyList<ClassMetrics> Classes,
    IReadOnlyDictionary<string, double> MacroF1ByLanguage,
    /// <summary>Confusion[gold][predicted] counts.</summary>
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Confusion,
    /// <summary>The same figures per language ("nl", "en"): macro-F1, per-class recall and confusion.</summary>
    IReadOnlyDictionary<string, LanguageEvaluation> Languages);

public sealed record LanguageEvaluation(
    int Messages,
    double MacroF1,
    IReadOnlyList<ClassMetrics> Classes,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Confusion);

/// <summary>Accuracy and macro-F1 of predicted sentiment labels against gold labels.</summary>
public static class SentimentEvaluation
{
    public static SentimentEvaluationReport Evaluate(IReadOnlyList<LabelledMessage> messages, IReadOnlyList<string> predicted)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(predicted);
        if (messages.Count != predicted.Count)
            throw new ArgumentException($"{messages.Count} messages but {predicted.Count} predictions.", nameof(predicted));
        var gold = messages.Select(m => m.Label).ToList();
        var (accuracy, macroF1, classes, confusion) = Score(gold, predicted);
        var languages = messages.Select((m, i) => (m.Language, Gold: m.Label, Predicted: predicted[i]))
            .GroupBy(x => x.Language)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g =>
            {
                var part = Score(g.Select(x => x.Gold).ToList(), g.Select(x => x.Predicted).ToList());
                return new LanguageEvaluation(g.Count(), part.MacroF1, part.Classes, part.Confusion);
            });
        var byLanguage = languages.ToDictionary(kv => kv.Key, kv => kv.Value.MacroF1);
        return new SentimentEvaluationReport(messages.Count, accuracy, macroF1, classes, byLanguage, confusion, languages);
    }

    /// <summary>Scores every message with <paramref name="analyzer"/> (language given) and evaluates the labels.</summary>
    public static async Task<SentimentEvaluationReport> EvaluateAsync(ISentimentAnalyzer analyzer, IReadOnlyList<LabelledMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        var documents = messages.Select((m, i) => new SentimentDocument(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Text, m.Language)).ToList();
        var results = await analyzer.AnalyzeAsync(documents, cancellationToken);
        var byId = results.ToDictionary(r => r.Id, r => r.Label, StringComparer.Ordinal);
        var predicted = documents.Select(d => byId.TryGetValue(d.Id, out var label) ? label : SentimentLabels.Neutral).ToList();
        return Evaluate(messages, predicted);
    }

    private static (double Accuracy, double MacroF1, IReadOnlyList<ClassMetrics> Classes, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Confusion)
        Score(IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        var labels = SentimentLabels.All;
        var confusion = labels.ToDictionary(g => g, _ => labels.ToDictionary(p => p, _ => 0));
        var correct = 0;
        for (var i = 0; i < gold.Count; i++)
        {
            confusion[gold[i]][predicted[i]]++;
            if (gold[i] == predicted[i])
                correct++;
        }
        var classes = new List<ClassMetrics>();
        foreach (var label in labels)
        {
            var tp = confusion[label][label];
            var support = confusion[label].Values.Sum();
            var predictedCount = labels.Sum(g => confusion[g][label]);
            var precision = predictedCount == 0 ? 0 : (double)tp / predictedCount;
            var recall = support == 0 ? 0 : (double)tp / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            classes.Add(new ClassMetrics(label, support, Math.Round(precision, 4), Math.Round(recall, 4), Math.Round(f1, 4)));
        }
        // Macro-F1 over the classes present in the gold labels: a class nobody wrote cannot be missed.
        var present = classes.Where(c => c.Support > 0).ToList();
        var macro = present.Count == 0 ? 0 : present.Average(c => c.F1);
        var frozen = confusion.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, int>)kv.Value);
        return (gold.Count == 0 ? 0 : Math.Round((double)correct / gold.Count, 4), Math.Round(macro, 4), classes, frozen);
    }
}

/// <summary>
/// Reads a labelled message CSV (header text,language,label; RFC 4180 quoting). Rows with a missing text or an unknown label
/// fail with the file, row and field named, because a silently skipped row would flatter the score.
/// </summary>
public static class LabelledMessageCsv
{
    public static IReadOnlyList<LabelledMessage> Read(TextReader reader, string sourceName)
    {
        var rows = CsvRows(reader).ToList();
        if (rows.Count == 0)
            throw new InvalidDataException($"{sourceName}: empty file; expected a header text,language,label.");
        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(string name)
        {
            var index = header.IndexOf(name);
            return index >= 0 ? index : throw new InvalidDataException($"{sourceName}: header has no '{name}' column (found: {string.Join(",", header)}).");
        }
        int text = Column("text"), language = Column("language"), label = Column("label");
        var messages = new List<LabelledMessage>(rows.Count - 1);
        for (var r = 1; r < rows.Count; r++)
        {
            var row = rows[r];
            if (row.Count == 1 && string.IsNullOrWhiteSpace(row[0]))
                continue;
            var line = r + 1;
            string Field(int index, string name) => index < row.Count
                ? row[index]
                : throw new InvalidDataException($"{sourceName}: row {line}: field '{name}' is missing.");
            var body = Field(text, "text");
            if (string.IsNullOrWhiteSpace(body))
                throw new InvalidDataException($"{sourceName}: row {line}: field 'text' is empty.");
            var lang = LanguageDetector.Normalize(Field(language, "language"))
                ?? throw new InvalidDataException($"{sourceName}: row {line}: field 'language' must be nl or en, got '{row[language]}'.");
            var gold = SentimentLabels.Normalize(Field(label, "label"))
                ?? throw new InvalidDataException($"{sourceName}: row {line}: field 'label' must be negative, neutral or positive, got '{row[label]}'.");
            messages.Add(new LabelledMessage(body, lang, gold));
        }
        return messages;
    }

    public static void Write(TextWriter writer, IEnumerable<LabelledMessage> messages)
    {
        writer.Write("text,language,label\n");
        foreach (var m in messages)
            writer.Write($"\"{m.Text.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{m.Language},{m.Label}\n");
    }

    private static IEnumerable<List<string>> CsvRows(TextReader reader)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    row.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    row.Add(field.ToString());
                    field.Clear();
                    yield return row;
                    row = [];
                    any = false;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }
        if (any)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }
}
