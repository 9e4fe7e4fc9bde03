using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RetentionInsights.Scoring.Explanations;

/// <summary>The sections of the phrase catalogue.</summary>
public enum PhraseSection
{
    Reasons,
    TalkingPoints,
    Signals,
}

/// <summary>A phrase as data: a catalogue code and its numeric parameters. Stored as such, rendered in the reader's language.</summary>
public sealed record Phrase(string Code, IReadOnlyDictionary<string, double> Parameters)
{
    public static Phrase Of(string code, params (string Name, double Value)[] parameters) =>
        new(code, parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal));
}

/// <summary>
/// The phrase catalogue (phrases.json, embedded): codes with English and Dutch templates, plural forms and parameters. The
/// PCF control renders from a generated copy of the same file, so a text column the engine writes and the panel an agent
/// reads say the same thing.
/// </summary>
public static class Phrases
{
    public static readonly IReadOnlyList<string> Languages = ["en", "nl"];

    private static readonly Lazy<JsonDocument> Catalogue = new(Load);

    /// <summary>The catalogue file as embedded, for the check that the control's copy is identical.</summary>
    public static string RawJson()
    {
        using var stream = typeof(Phrases).Assembly.GetManifestResourceStream("RetentionInsights.Scoring.Explanations.phrases.json")
            ?? throw new InvalidOperationException("phrases.json is not embedded in the scoring assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static IReadOnlyList<string> Codes(PhraseSection section) =>
        Section(section).EnumerateObject().Select(p => p.Name).ToArray();

    public static bool Has(PhraseSection section, string code) => Section(section).TryGetProperty(code, out _);

    /// <summary>The rtn_churnreasoncode choice value of a reason code.</summary>
    public static int ReasonValue(string code) =>
        Entry(PhraseSection.Reasons, code).Value ?? throw new KeyNotFoundException($"Reason '{code}' has no value in phrases.json.");

    /// <summary>The group a reason belongs to: at most one reason per group is shown (30- and 90-day complaints are one story).</summary>
    public static string ReasonGroup(string code) =>
        Entry(PhraseSection.Reasons, code).Group ?? throw new KeyNotFoundException($"Reason '{code}' has no group in phrases.json.");

    /// <summary>Renders a phrase in "en" or "nl". Throws on an unknown code, language or a missing parameter: a gap in the catalogue is a bug.</summary>
    public static string Render(PhraseSection section, Phrase phrase, string language)
    {
        if (!Languages.Contains(language))
            throw new ArgumentException($"Language must be one of {string.Join(", ", Languages)} (got '{language}').", nameof(language));
        var template = Entry(section, phrase.Code).Templates.GetValueOrDefault(language)
            ?? throw new KeyNotFoundException($"Phrase '{phrase.Code}' has no '{language}' template in phrases.json.");
        return Fill(template.Text ?? PluralForm(template, phrase), phrase, language);
    }

    private static string PluralForm(Template forms, Phrase phrase)
    {
        var n = Parameter(phrase, forms.By ?? throw new KeyNotFoundException($"Phrase '{phrase.Code}' has plural forms without 'by'."));
        if (n == 0 && forms.Zero is { } zero)
            return zero;
        return n == 1 && forms.One is { } one ? one
            : forms.Other ?? throw new KeyNotFoundException($"Phrase '{phrase.Code}' has no 'other' form.");
    }

    private static string Fill(string template, Phrase phrase, string language)
    {
        var open = template.IndexOf('{');
        if (open < 0)
            return template;
        var result = new StringBuilder(template.Length + 16);
        var i = 0;
        while (open >= 0)
        {
            var close = template.IndexOf('}', open);
            result.Append(template, i, open - i);
            result.Append(FormatNumber(Parameter(phrase, template[(open + 1)..close]), language));
            i = close + 1;
            open = template.IndexOf('{', i);
        }
        return result.Append(template, i, template.Length - i).ToString();
    }

    /// <summary>Whole numbers as such, others with one decimal; Dutch uses a decimal comma.</summary>
    public static string FormatNumber(double value, string language)
    {
        var text = value.ToString("0.#", CultureInfo.InvariantCulture);
        return language == "nl" ? text.Replace('.', ',') : text;
    }

    private static double Parameter(Phrase phrase, string name) =>
        phrase.Parameters.TryGetValue(name, out var value) ? value
        : throw new ArgumentException($"Phrase '{phrase.Code}' needs parameter '{name}'.", nameof(phrase));

    private static CatalogueEntry Entry(PhraseSection section, string code) =>
        Entries.Value[(int)section].TryGetValue(code, out var entry) ? entry
        : throw new KeyNotFoundException($"Phrase code '{code}' is not in the {section} section of phrases.json.");

    private static JsonElement Section(PhraseSection section) => Catalogue.Value.RootElement.GetProperty(SectionName(section));

    private static string SectionName(PhraseSection section) => section switch
    {
        PhraseSection.Reasons => "reasons",
        PhraseSection.TalkingPoints => "talkingPoints",
        _ => "signals",
    };

    /// <summary>A template: one text, or plural forms chosen by the parameter <see cref="By"/>.</summary>
    private sealed record Template(string? Text, string? By, string? Zero, string? One, string? Other);

    private sealed record CatalogueEntry(int? Value, string? Group, IReadOnlyDictionary<string, Template> Templates);

    // Every scored contact renders its reasons and talking points in two languages: the catalogue is read out of the JSON once
    // into dictionaries, rather than each lookup scanning the document and copying its strings.
    private static readonly Lazy<Dictionary<string, CatalogueEntry>[]> Entries = new(() =>
        Enum.GetValues<PhraseSection>().Select(section => Section(section).EnumerateObject()
            .Where(code => code.Value.ValueKind == JsonValueKind.Object)
            .ToDictionary(code => code.Name, code => EntryOf(code.Value), StringComparer.Ordinal)).ToArray());

    private static CatalogueEntry EntryOf(JsonElement json)
    {
        var templates = new Dictionary<string, Template>(StringComparer.Ordinal);
        foreach (var language in Languages)
        {
            if (!json.TryGetProperty(language, out var template))
                continue;
            templates[language] = template.ValueKind == JsonValueKind.String
                ? new Template(template.GetString(), null, null, null, null)
                : new Template(null, Text(template, "by"), Text(template, "zero"), Text(template, "one"), Text(template, "other"));
        }
        return new CatalogueEntry(json.TryGetProperty("value", out var value) ? value.GetInt32() : null, Text(json, "group"), templates);
    }

    private static string? Text(JsonElement json, string name) => json.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static JsonDocument Load() => JsonDocument.Parse(RawJson());
}
