using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using RetentionInsights.Functions.Tests.Support;

namespace RetentionInsights.Functions.Tests.Webhooks;

/// <summary>
/// Hostile and broken webhook bodies through the real route: every one is answered below 500 (a 503 would make Dataverse
/// retry a body that can never succeed), and a malformed value is a 400 problem that names where it is.
/// </summary>
[Collection(ServiceTests.Name)]
public sealed partial class WebhookFuzzTests(ServiceFixture fixture)
{
    /// <summary>Malformed JSON values, as raw bytes (some are not valid UTF-8 on purpose).</summary>
    private static readonly byte[][] BadValues =
    [
        .. new[]
        {
            "123", "-1", "1e400", "-1e400", "12345678901234567890123", "2147483648", "-2147483649", "1.5", "true", "null", "[]", "{}", "[1,2]",
            "\"\\ud800\"", "\"\\udc00abc\"", "\"a\\ud800b\"", "\"\\udfff\\ud800\"", "\"\"", "\"not a guid\"", "\"a\\r\\nINFO forged line\"",
            "\"\\/Date(99999999999999999999)\\/\"", "\"\\/Date(-99999999999999999999)\\/\"", "\"\\/Date(9999999999999999)\\/\"", "\"\\/Date(1)\\/x\"",
            "\"\\u0000\"", "\"Update\\r\\nINFO forged\"",
            "{\"__type\":\"OptionSetValue:x\",\"Value\":1e400}", "{\"__type\":\"OptionSetValue:x\",\"Value\":2147483648}",
            "{\"__type\":\"OptionSetValue:x\",\"Value\":\"2\"}", "{\"__type\":\"Money:x\",\"Value\":1e400}", "{\"__type\":\"Money:x\",\"Value\":\"12\"}",
            "{\"__type\":\"EntityReference:x\",\"Id\":5,\"LogicalName\":7}", "{\"__type\":\"EntityReference:x\",\"Id\":\"nope\"}",
            "{\"__type\":\"OptionSetValueCollection:x\",\"Values\":[1e20,\"a\",{\"Value\":99999999999}]}",
            "{\"__type\":\"OptionSetValueCollection:x\",\"Values\":7}",
            "{\"__type\":\"EntityCollection:x\",\"Entities\":[1,\"a\",null],\"EntityName\":5}",
            "{\"__type\":\"Entity:x\",\"Id\":7,\"Attributes\":{\"a\":1}}", "{\"key\":5,\"value\":\"\\ud800\"}",
            new string('[', 100) + new string(']', 100), string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70),
            "\"" + new string('A', 120_000) + "\"",
        }.Select(Encoding.UTF8.GetBytes),
        [(byte)'"', 0xFF, 0xFE, (byte)'"'],
        [(byte)'"', (byte)'a', 0xC3, (byte)'"'],
        [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'],
        [(byte)'"', 0xF8, 0x88, 0x80, 0x80, 0x80, (byte)'"'],
        [(byte)'"', 0xC0, 0xAF, (byte)'"'],
    ];

    [Fact]
    public async Task Post_2000PlusMalformedBodies_NeverAnswers500OrAbove()
    {
        using var app = new TestApp(fixture);
        var contact = DataProducer.ActiveContactWithCases(app.DbPath);
        var incident = DataProducer.AnyIncidentOf(app.DbPath, contact);
        var template = Encoding.UTF8.GetBytes(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "Storing"));
        var bodies = Generate(template, new Random(20261202)).ToList();
        Assert.True(bodies.Count >= 2000, $"only {bodies.Count} bodies generated");
        using var client = app.KeyedClient();

        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        await Parallel.ForEachAsync(bodies.Select((b, i) => (Body: b, Index: i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, ct) =>
        {
            using var response = await client.SendAsync(Request(item.Body), ct);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync(ct);
            lock (failures)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (status >= 500)
                    failures.Add($"#{item.Index}: {status} {text}");
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    failures.Add($"#{item.Index}: {status} without problem details");
            }
        });

        Assert.True(failures.Count == 0, $"{failures.Count} of {bodies.Count} bodies failed, e.g. {string.Join(" | ", failures.Take(3))}");
        // The generator must mostly produce bodies the parser refuses, or the test proves little.
        Assert.True(statuses.GetValueOrDefault(400) > bodies.Count / 2, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
    }

    [Theory]
    [InlineData("MessageName", "123")]
    [InlineData("MessageName", "\"\\ud800\"")]
    [InlineData("MessageName", "\"Update\\r\\nINFO forged line\"")]
    [InlineData("MessageName", "\"Update; DROP\"")]
    [InlineData("PrimaryEntityName", "\"incident\\n\"")]
    [InlineData("PrimaryEntityId", "5")]
    [InlineData("OperationId", "\"\\udfff\"")]
    [InlineData("Depth", "1e400")]
    [InlineData("Stage", "2147483648")]
    [InlineData("OperationCreatedOn", "\"\\/Date(99999999999999999999)\\/\"")]
    [InlineData("OperationCreatedOn", "\"\\/Date(9999999999999999)\\/\"")]
    [InlineData("Attributes", "{\"__type\":\"OptionSetValue:x\",\"Value\":2147483648}", "casetypecode")]
    [InlineData("Attributes", "\"\\/Date(99999999999999999999)\\/\"", "modifiedon")]
    [InlineData("Attributes", "{\"__type\":\"EntityReference:x\",\"Id\":\"a\",\"LogicalName\":7}", "customerid")]
    public async Task Post_MalformedValue_Is400NamingTheMember(string member, string value, string? attribute = null)
    {
        using var app = new TestApp(fixture);
        var body = Webhook.IncidentUpdate(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Storing");
        body = attribute is null
            ? ReplaceValue(body, $"\"{member}\": ", value)
            : ReplaceValue(body, $"{{ \"key\": \"{attribute}\", \"value\": ", value);
        using var client = app.KeyedClient();

        using var response = await client.SendAsync(Request(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains(member, detail);
        Assert.DoesNotContain("\n", detail);
    }

    [Fact]
    public async Task Post_InvalidUtf8InsideAString_Is400NamingTheMember()
    {
        using var app = new TestApp(fixture);
        var body = Encoding.UTF8.GetBytes(Webhook.IncidentUpdate(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "Storing"));
        var at = IndexOf(body, Encoding.UTF8.GetBytes("\"OrganizationName\": \"")) + "\"OrganizationName\": \"".Length;
        var broken = body[..at].Concat(new byte[] { 0xC3, 0x28 }).Concat(body[at..]).ToArray();
        using var client = app.KeyedClient();

        using var response = await client.SendAsync(Request(broken));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("OrganizationName", (await TestApp.ReadJsonAsync(response)).GetProperty("detail").GetString());
    }

    /// <summary>
    /// Every member of the template replaced by every bad value (the original value stays behind under another name, so
    /// the JSON remains well-formed), then random damage: flipped bytes, invalid UTF-8 inside strings, truncation.
    /// </summary>
    private static IEnumerable<byte[]> Generate(byte[] template, Random random)
    {
        var text = Encoding.UTF8.GetString(template);
        var members = MemberPattern().Matches(text).Select(m => m.Index + m.Length).ToList();
        foreach (var at in members)
        {
            foreach (var value in BadValues)
                yield return [.. template[..at], .. value, .. ", \"zz_moved\": "u8, .. template[at..]];
        }
        var quotes = Enumerable.Range(0, template.Length).Where(i => template[i] == '"').ToList();
        for (var i = 0; i < 600; i++)
        {
            var body = (byte[])template.Clone();
            switch (i % 4)
            {
                case 0:
                    for (var k = 0; k < 1 + random.Next(4); k++)
                        body[random.Next(body.Length)] = (byte)random.Next(256);
                    yield return body;
                    break;
                case 1:
                    var q = quotes[random.Next(quotes.Count)] + 1;
                    byte[] junk = [(byte)(0x80 + random.Next(0x80)), (byte)random.Next(256)];
                    yield return [.. body[..q], .. junk, .. body[q..]];
                    break;
                case 2:
                    yield return body[..random.Next(body.Length)];
                    break;
                default:
                    var from = random.Next(body.Length);
                    var length = random.Next(Math.Min(200, body.Length - from));
                    var into = random.Next(body.Length);
                    yield return [.. body[..into], .. body.AsSpan(from, length).ToArray(), .. body[into..]];
                    break;
            }
        }
    }

    private static HttpRequestMessage Request(byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/dataverse/events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-ms-dynamics-organization", "contoso.crm4.dynamics.com");
        request.Headers.Add("x-ms-dynamics-entity-name", "incident");
        return request;
    }

    private static string ReplaceValue(string body, string prefix, string value)
    {
        var at = body.IndexOf(prefix, StringComparison.Ordinal);
        Assert.True(at >= 0, prefix);
        at += prefix.Length;
        return body[..at] + value + ", \"zz_moved\": " + body[at..];
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    [GeneratedRegex("\"[A-Za-z_]+\": ")]
    private static partial Regex MemberPattern();
}
