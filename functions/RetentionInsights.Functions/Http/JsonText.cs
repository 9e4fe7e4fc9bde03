using System.Text.Json;

namespace RetentionInsights.Functions.Http;

/// <summary>
/// Finds text in a parsed JSON document that .NET cannot hold: bytes that are not UTF-8, or an escaped half of a surrogate pair
/// such as "\ud800". JSON's grammar admits both, so the parser does not refuse them; reading the value later throws. Checked once
/// per request body, so a handler never fails on such text with anything but a 400.
/// </summary>
public static class JsonText
{
    /// <summary>
    /// The first unreadable string or member name, as a path (<c>$</c> for the root, else <c>Member.Inner[2].Name</c>), and
    /// whether it is a member name (then the path is of the object that holds it); null when all text reads. Bodies are
    /// bounded by their routes and nested at most 64 deep (the parser's limit), so the walk is cheap; the path is only built on
    /// the way back from a failure.
    /// </summary>
    public static (string Path, bool InMemberName)? FirstUnreadable(JsonElement root) =>
        Walk(root) is { } found ? (Display(found.Relative), found.InMemberName) : null;

    private static (string Relative, bool InMemberName)? Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return ("", false);
                }
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return ("", true);
                    }
                    if (Walk(property.Value) is { } inner)
                        return ("." + name + inner.Relative, inner.InMemberName);
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Walk(item) is { } inner)
                        return ($"[{index}]" + inner.Relative, inner.InMemberName);
                    index++;
                }
                return null;
            default:
                return null;
        }
    }

    // Member names are the caller's and may be long; the end of the path names the member that matters.
    private static string Display(string relative)
    {
        var path = relative.Length == 0 ? "$" : relative[0] == '.' ? relative[1..] : relative;
        return path.Length <= 120 ? path : "…" + path[^120..];
    }
}
