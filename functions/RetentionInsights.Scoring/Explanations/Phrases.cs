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
    public static int ReasonValue(string code) => Entry(PhraseSection.Reasons, code).GetProperty("value").GetInt32();

    /// <summary>The group a reason belongs to: at most one reason per group is shown (30- and 90-day complaints are one story).</summary>
    public static string ReasonGroup(string code) => Entry(PhraseSection.Reasons, code).GetProperty("group").GetString()!;

    /// <summary>Renders a phrase in "en" or "nl". Throws on an unknown code, language or a missing parameter: a gap in the catalogue is a bug.</summary>
    public static string Render(PhraseSection section, Phrase phrase, string language)
    {
        if (!Languages.Contains(language))
            throw new ArgumentException($"Language must be one of {string.Join(", ", Languages)} (got '{language}').", nameof(language));
        var template = Entry(section, phrase.Code).GetProperty(language);
        var text = template.ValueKind == JsonValueKind.String ? template.GetString()! : PluralForm(template, phrase);
        return Fill(text, phrase, language);
    }

    private static string PluralForm(JsonElement forms, Phrase phrase)
    {
        var by = forms.GetProperty("by").GetString()!;
        var n = Parameter(phrase, by);
        if (n == 0 && forms.TryGetProperty("zero", out var zero))
            return zero.GetString()!;
        return n == 1 && forms.TryGetProperty("one", out var one) ? one.GetString()! : forms.GetProperty("other").GetString()!;
    }

    private static string Fill(string template, Phrase phrase, string language)
    {
        var result = new StringBuilder(template.Length + 16);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                result.Append(template, i, template.Length - i);
                break;
            }
            var close = template.IndexOf('}', open);
            result.Append(template, i, open - i);
            result.Append(FormatNumber(Parameter(phrase, template[(open + 1)..close]), language));
            i = close + 1;
        }
        return result.ToString();
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

    private static JsonElement Entry(PhraseSection section, string code) =>
        Section(section).TryGetProperty(code, out var entry) ? entry
        : throw new KeyNotFoundException($"Phrase code '{code}' is not in the {section} section of phrases.json.");

    private static JsonElement Section(PhraseSection section) => Catalogue.Value.RootElement.GetProperty(section switch
    {
        PhraseSection.Reasons => "reasons",
        PhraseSection.TalkingPoints => "talkingPoints",
        _ => "signals",
    });

    private static JsonDocument Load() => JsonDocument.Parse(RawJson());
}
