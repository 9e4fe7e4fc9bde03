namespace RetentionInsights.Scoring.Sentiment;

public enum TokenKind
{
    Word,
    /// <summary>Ends a clause but not a sentence: comma, semicolon, colon, dash.</summary>
    ClauseBreak,
    /// <summary>Ends a sentence: full stop, line break, question mark, exclamation mark.</summary>
    SentenceBreak,
}

/// <summary>A token of customer text. <see cref="Text"/> is lower-cased for words; <see cref="Shouted"/> marks words written in capitals.</summary>
public readonly record struct Token(TokenKind Kind, string Text, bool Shouted = false);

/// <summary>
/// Splits free text into lower-cased words and punctuation breaks. Apostrophes stay inside words ("don't", "auto's") because
/// English negations and Dutch plurals depend on them; digits are words so "40 minuten" keeps its shape.
/// </summary>
public static class TextTokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>(text.Length / 5 + 4);
        // The current word, with apostrophes normalised; counted as it grows so a word is lower-cased and judged shouted
        // without a second pass (this runs for every message of every night's new mail).
        Span<char> buffer = stackalloc char[128];
        var length = 0;
        var letters = 0;
        var lowerLetters = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c) || (IsApostrophe(c) && length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                || (c == '-' && length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1])))
            {
                if (length == buffer.Length)
                {
                    var larger = new char[buffer.Length * 2];
                    buffer.CopyTo(larger);
                    buffer = larger;
                }
                var appended = IsApostrophe(c) ? '\'' : c;
                buffer[length++] = appended;
                if (char.IsLetter(appended))
                {
                    letters++;
                    if (!char.IsUpper(appended))
                        lowerLetters++;
                }
                continue;
            }
            Flush(buffer);
            switch (c)
            {
                case '.' or '\n' or '\r' or '?' or '!':
                    tokens.Add(new Token(TokenKind.SentenceBreak, c switch { '.' => ".", '?' => "?", '!' => "!", _ => "\n" }));
                    break;
                case ',' or ';' or ':' or '(' or ')' or '–' or '—':
                    tokens.Add(new Token(TokenKind.ClauseBreak, c switch { ',' => ",", ';' => ";", ':' => ":", '(' => "(", ')' => ")", '–' => "–", _ => "—" }));
                    break;
            }
        }
        Flush(buffer);
        return tokens;

        void Flush(Span<char> word)
        {
            if (length == 0)
                return;
            Span<char> lower = length <= 128 ? stackalloc char[length] : new char[length];
            word[..length].ToLowerInvariant(lower);
            tokens.Add(new Token(TokenKind.Word, new string(lower), letters >= 3 && lowerLetters == 0));
            length = 0;
            letters = 0;
            lowerLetters = 0;
        }
    }

    private static bool IsApostrophe(char c) => c is '\'' or '’' or '‘';
}
