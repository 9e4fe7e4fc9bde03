using System.Globalization;
using System.Text;

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
        var word = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c) || (IsApostrophe(c) && word.Length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1]))
                || (c == '-' && word.Length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1])))
            {
                word.Append(IsApostrophe(c) ? '\'' : c);
                continue;
            }
            Flush();
            switch (c)
            {
                case '.' or '\n' or '\r' or '?' or '!':
                    tokens.Add(new Token(TokenKind.SentenceBreak, c == '\r' ? "\n" : c.ToString()));
                    break;
                case ',' or ';' or ':' or '(' or ')' or '–' or '—':
                    tokens.Add(new Token(TokenKind.ClauseBreak, c.ToString()));
                    break;
            }
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (word.Length == 0)
                return;
            var raw = word.ToString();
            word.Clear();
            var letters = raw.Count(char.IsLetter);
            var shouted = letters >= 3 && raw.All(ch => !char.IsLetter(ch) || char.IsUpper(ch));
            tokens.Add(new Token(TokenKind.Word, raw.ToLower(CultureInfo.InvariantCulture), shouted));
        }
    }

    private static bool IsApostrophe(char c) => c is '\'' or '’' or '‘';
}
