using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Scoring.EarlyWarning;

public enum RedFlagFamily
{
    /// <summary>The customer says it happened before, is disappointed, or names leaving or a higher authority.</summary>
    Escalation,
    /// <summary>The customer demands speed.</summary>
    Urgency,
    /// <summary>The customer does not understand or gets conflicting information.</summary>
    Uncertainty,
}

public readonly record struct RedFlagHit(RedFlagFamily Family, string Term);

/// <summary>
/// Red-flag term families in Dutch and English. Terms are matched as whole words or word sequences on the tokenised text,
/// both languages at once (customers mix them, and subjects are often English in Dutch mail). One hit is only evidence;
/// the level rules decide when hits add up (<see cref="EarlyWarningEvaluator"/>).
/// </summary>
public static class RedFlags
{
    private static readonly Dictionary<RedFlagFamily, string[]> Terms = new()
    {
        [RedFlagFamily.Escalation] =
        [
            "nogmaals", "al meerdere keren", "meerdere keren", "keer op keer", "zoveelste keer", "wederom", "alweer", "weer eens",
            "teleurgesteld", "teleurstellend", "alternatieve aanbieders", "andere aanbieder", "andere aanbieders",
            "andere leverancier", "andere leveranciers", "overstappen", "stap over", "opzeggen", "contract opzeggen",
            "klacht indienen", "formele klacht", "geschillencommissie", "ombudsman", "advocaat", "juridische stappen",
            "leidinggevende", "escaleren", "laatste keer",
            "again", "several times", "multiple times", "many times", "disappointed", "disappointing", "switch provider",
            "switch supplier", "switching provider", "switching supplier", "another provider", "another supplier",
            "other providers", "other suppliers", "cancel my contract", "formal complaint", "ombudsman", "lawyer", "legal action",
            "supervisor", "manager", "escalate", "last time",
        ],
        [RedFlagFamily.Urgency] =
        [
            "dringend", "dringende", "urgent", "per direct", "per omgaande", "onmiddellijk", "zo snel mogelijk", "deadline",
            "spoed", "met spoed", "vandaag nog", "uiterlijk", "asap", "zsm",
            "urgently", "immediately", "as soon as possible", "right now", "straight away", "at once", "without delay", "emergency",
        ],
        [RedFlagFamily.Uncertainty] =
        [
            "onduidelijk", "onduidelijke", "onduidelijkheid", "verwarrend", "verwarring", "tegenstrijdig", "tegenstrijdige",
            "begrijp niet", "begrijp het niet", "snap niet", "snap het niet", "geen idee", "onzeker", "twijfel", "vaag",
            "onbegrijpelijk",
            "unclear", "confusing", "confused", "contradictory", "don't understand", "do not understand", "no idea", "uncertain",
            "unsure", "vague", "makes no sense", "doesn't make sense", "does not make sense", "incomprehensible",
        ],
    };

    private static readonly Dictionary<string, (RedFlagFamily Family, string Term)> Lookup = BuildLookup();
    private static readonly int LongestTerm = Terms.Values.SelectMany(t => t).Max(t => t.Split(' ').Length);

    public static IReadOnlyList<string> TermsOf(RedFlagFamily family) => Terms[family];

    /// <summary>Every red-flag term in <paramref name="text"/>, longest match first, without overlaps.</summary>
    public static IReadOnlyList<RedFlagHit> Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];
        var tokens = TextTokenizer.Tokenize(text);
        var hits = new List<RedFlagHit>();
        var i = 0;
        while (i < tokens.Count)
        {
            var matched = 0;
            for (var length = Math.Min(LongestTerm, tokens.Count - i); length >= 1 && matched == 0; length--)
            {
                var allWords = true;
                for (var k = i; k < i + length; k++)
                    allWords &= tokens[k].Kind == TokenKind.Word;
                if (!allWords)
                    continue;
                var candidate = length == 1 ? tokens[i].Text : string.Join(' ', tokens.Skip(i).Take(length).Select(t => t.Text));
                if (Lookup.TryGetValue(candidate, out var hit))
                {
                    hits.Add(new RedFlagHit(hit.Family, hit.Term));
                    matched = length;
                }
            }
            i += Math.Max(1, matched);
        }
        return hits;
    }

    private static Dictionary<string, (RedFlagFamily, string)> BuildLookup()
    {
        var lookup = new Dictionary<string, (RedFlagFamily, string)>(StringComparer.Ordinal);
        foreach (var (family, terms) in Terms)
        {
            foreach (var term in terms)
                lookup.TryAdd(term, (family, term));
        }
        return lookup;
    }
}
