using System;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// Checks that a text is exactly one well-formed JSON object (RFC 8259), with nothing before or after it.
    /// A small validator of its own: the sandbox allows no third-party JSON library, and the framework's JSON
    /// reader accepts truncated or trailing input. The Custom API hands the text on verbatim, so validation is the
    /// only parse it needs.
    /// </summary>
    public static class JsonShape
    {
        /// <summary>Deeper nesting than any insights document; stops a hostile body from exhausting the stack.</summary>
        public const int MaxDepth = 64;

        public static bool IsObject(string? text)
        {
            if (text == null)
            {
                return false;
            }

            var reader = new Reader(text);
            reader.SkipWhitespace();
            if (!reader.Peek('{') || !reader.Value(0))
            {
                return false;
            }

            reader.SkipWhitespace();
            return reader.AtEnd;
        }

        private sealed class Reader
        {
            private readonly string _text;
            private int _position;

            public Reader(string text)
            {
                _text = text;
            }

            public bool AtEnd => _position >= _text.Length;

            public bool Peek(char expected) => !AtEnd && _text[_position] == expected;

            public void SkipWhitespace()
            {
                while (!AtEnd && (_text[_position] == ' ' || _text[_position] == '\t' || _text[_position] == '\n' || _text[_position] == '\r'))
                {
                    _position++;
                }
            }

            public bool Value(int depth)
            {
                SkipWhitespace();
                if (AtEnd || depth > MaxDepth)
                {
                    return false;
                }

                switch (_text[_position])
                {
                    case '{':
                        return Object(depth + 1);
                    case '[':
                        return Array(depth + 1);
                    case '"':
                        return String();
                    case 't':
                        return Literal("true");
                    case 'f':
                        return Literal("false");
                    case 'n':
                        return Literal("null");
                    default:
                        return Number();
                }
            }

            private bool Object(int depth)
            {
                _position++;
                SkipWhitespace();
                if (Take('}'))
                {
                    return true;
                }

                while (true)
                {
                    SkipWhitespace();
                    if (!Peek('"') || !String())
                    {
                        return false;
                    }

                    SkipWhitespace();
                    if (!Take(':') || !Value(depth))
                    {
                        return false;
                    }

                    SkipWhitespace();
                    if (Take('}'))
                    {
                        return true;
                    }

                    if (!Take(','))
                    {
                        return false;
                    }
                }
            }

            private bool Array(int depth)
            {
                _position++;
                SkipWhitespace();
                if (Take(']'))
                {
                    return true;
                }

                while (true)
                {
                    if (!Value(depth))
                    {
                        return false;
                    }

                    SkipWhitespace();
                    if (Take(']'))
                    {
                        return true;
                    }

                    if (!Take(','))
                    {
                        return false;
                    }
                }
            }

            private bool String()
            {
                _position++;
                while (!AtEnd)
                {
                    var ch = _text[_position++];
                    if (ch == '"')
                    {
                        return true;
                    }

                    if (ch < 0x20)
                    {
                        return false;
                    }

                    if (ch != '\\')
                    {
                        continue;
                    }

                    if (AtEnd)
                    {
                        return false;
                    }

                    var escape = _text[_position++];
                    if (escape == 'u')
                    {
                        for (var i = 0; i < 4; i++)
                        {
                            if (AtEnd || !Uri.IsHexDigit(_text[_position++]))
                            {
                                return false;
                            }
                        }
                    }
                    else if ("\"\\/bfnrt".IndexOf(escape) < 0)
                    {
                        return false;
                    }
                }

                return false;
            }

            private bool Number()
            {
                Take('-');
                if (Take('0'))
                {
                    // A leading zero stands alone.
                }
                else if (!Digits())
                {
                    return false;
                }

                if (Take('.') && !Digits())
                {
                    return false;
                }

                if (Take('e') || Take('E'))
                {
                    if (!Take('+'))
                    {
                        Take('-');
                    }

                    return Digits();
                }

                return true;
            }

            private bool Digits()
            {
                var start = _position;
                while (!AtEnd && _text[_position] >= '0' && _text[_position] <= '9')
                {
                    _position++;
                }

                return _position > start;
            }

            private bool Literal(string word)
            {
                if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
                {
                    return false;
                }

                _position += word.Length;
                return true;
            }

            private bool Take(char expected)
            {
                if (Peek(expected))
                {
                    _position++;
                    return true;
                }

                return false;
            }
        }
    }
}
