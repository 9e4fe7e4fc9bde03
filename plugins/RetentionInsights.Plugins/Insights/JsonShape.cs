using System;
using System.Runtime.Serialization.Json;
using System.Text;
using System.Xml;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// Checks that a text is one well-formed JSON object, using the framework's JSON reader (the sandbox allows no
    /// third-party JSON library). The Custom API hands the text on verbatim, so this is the only parse it needs.
    /// </summary>
    public static class JsonShape
    {
        public static bool IsObject(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return false;
            }

            try
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                using (var reader = JsonReaderWriterFactory.CreateJsonReader(bytes, XmlDictionaryReaderQuotas.Max))
                {
                    if (!reader.Read() || reader.NodeType != XmlNodeType.Element)
                    {
                        return false;
                    }

                    var isObject = string.Equals(reader.GetAttribute("type"), "object", StringComparison.Ordinal);
                    while (reader.Read())
                    {
                        // Reading to the end is what validates the rest of the document.
                    }

                    return isObject;
                }
            }
            catch (XmlException)
            {
                return false;
            }
        }
    }
}
