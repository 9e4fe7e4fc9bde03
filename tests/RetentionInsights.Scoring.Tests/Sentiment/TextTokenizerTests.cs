using RetentionInsights.Scoring.Sentiment;

namespace RetentionInsights.Scoring.Tests.Sentiment;

public class TextTokenizerTests
{
    [Fact]
    public void Tokenize_Message_LowerCasedWordsWithApostrophesAndHyphensInside_AndBreaks()
    {
        var tokens = TextTokenizer.Tokenize("Ik WIL dit NIET meer – auto’s, e-mail & don't!\r\nKlaar?");

        Assert.Equal(
            ["ik", "wil", "dit", "niet", "meer", "–", "auto's", ",", "e-mail", "don't", "!", "\n", "\n", "klaar", "?"],
            tokens.Select(t => t.Text));
        Assert.Equal(
            [TokenKind.Word, TokenKind.Word, TokenKind.Word, TokenKind.Word, TokenKind.Word, TokenKind.ClauseBreak, TokenKind.Word,
                TokenKind.ClauseBreak, TokenKind.Word, TokenKind.Word, TokenKind.SentenceBreak, TokenKind.SentenceBreak,
                TokenKind.SentenceBreak, TokenKind.Word, TokenKind.SentenceBreak],
            tokens.Select(t => t.Kind));
        // Shouting needs three letters or more, all capitals.
        Assert.Equal(["wil", "niet"], tokens.Where(t => t.Shouted).Select(t => t.Text));
        Assert.False(TextTokenizer.Tokenize("IK ga")[0].Shouted);
    }

    [Fact]
    public void Tokenize_WordLongerThanAnyNormalWord_KeptWhole()
    {
        var word = string.Concat(Enumerable.Repeat("Abcdefghij", 40)); // 400 characters, a pasted reference or a URL path
        var tokens = TextTokenizer.Tokenize($"Referentie {word}. KLAAR");

        Assert.Equal(["referentie", word.ToLowerInvariant(), ".", "klaar"], tokens.Select(t => t.Text));
        Assert.True(tokens[^1].Shouted);
    }
}
