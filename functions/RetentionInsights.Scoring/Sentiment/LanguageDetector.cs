namespace RetentionInsights.Scoring.Sentiment;

/// <summary>
/// Tells Dutch from English by function words, which dominate even short customer messages. Only the two languages the
/// product serves are considered; text with no evidence either way falls back to <see cref="DefaultLanguage"/>.
/// </summary>
public static class LanguageDetector
{
    public const string Dutch = "nl";
    public const string English = "en";
    public const string DefaultLanguage = Dutch;

    // Frequent words that are common in one language and rare or absent in the other ("de", "in", "is" are ambiguous
    // enough that "in" and "is" are left out).
    private static readonly HashSet<string> DutchMarkers = new(StringComparer.Ordinal)
    {
        "de", "het", "een", "en", "ik", "je", "jij", "u", "uw", "wij", "we", "zij", "ze", "mijn", "onze", "ons", "niet", "geen",
        "wel", "van", "voor", "met", "op", "aan", "bij", "naar", "om", "dat", "die", "dit", "deze", "er", "hier", "daar", "al",
        "nog", "ook", "maar", "of", "als", "wat", "hoe", "waarom", "wanneer", "heb", "heeft", "hebben", "ben", "zijn", "was",
        "wordt", "worden", "werd", "kan", "kunt", "kunnen", "wil", "wilt", "willen", "moet", "moeten", "zou", "graag", "bedankt",
        "dank", "alstublieft", "geachte", "beste", "groet", "groeten", "vriendelijke", "mevrouw", "heer", "klantenservice",
        "factuur", "meterstand", "maand", "sinds", "over", "tot", "door", "uit", "zonder", "nooit", "steeds", "erg", "heel",
        "zeer", "echt", "helaas", "jullie", "hun", "mij", "me", "mee", "weer", "nu", "even", "gewoon", "keer", "dag", "week",
    };

    private static readonly HashSet<string> EnglishMarkers = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "and", "i", "you", "your", "we", "our", "they", "my", "me", "not", "no", "of", "for", "with", "on",
        "at", "to", "from", "that", "this", "these", "there", "here", "still", "also", "but", "or", "if", "what", "how", "why",
        "when", "have", "has", "had", "am", "are", "was", "were", "be", "been", "can", "could", "would", "should", "will",
        "want", "please", "thanks", "thank", "dear", "regards", "kind", "sir", "madam", "customer", "service", "bill",
        "meter", "reading", "month", "since", "about", "until", "by", "out", "without", "never", "very", "really",
        "unfortunately", "again", "it", "is", "its", "it's", "i'm", "don't", "didn't", "haven't", "just", "time", "day", "week",
    };

    public static string Detect(string text) => Detect(TextTokenizer.Tokenize(text));

    public static string Detect(IReadOnlyList<Token> tokens)
    {
        var nl = 0;
        var en = 0;
        foreach (var token in tokens)
        {
            if (token.Kind != TokenKind.Word)
                continue;
            if (DutchMarkers.Contains(token.Text))
                nl++;
            if (EnglishMarkers.Contains(token.Text))
                en++;
            // Dutch-only letter clusters settle words the lists do not know.
            else if (token.Text.Contains("ij", StringComparison.Ordinal) || token.Text.EndsWith("heid", StringComparison.Ordinal)
                     || token.Text.Contains("oe", StringComparison.Ordinal) && token.Text.Length > 4)
                nl++;
        }
        return en > nl ? English : nl > en ? Dutch : DefaultLanguage;
    }

    /// <summary>Accepts "nl", "nl-NL", "en-GB", "English" and the like; null for anything else so the caller detects.</summary>
    public static string? Normalize(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
            return null;
        var code = language.Trim().ToLowerInvariant();
        if (code.StartsWith("nl", StringComparison.Ordinal) || code is "dutch" or "nederlands")
            return Dutch;
        if (code.StartsWith("en", StringComparison.Ordinal) || code is "english" or "engels")
            return English;
        return null;
    }
}
