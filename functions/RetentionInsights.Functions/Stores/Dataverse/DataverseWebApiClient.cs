using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace RetentionInsights.Functions.Stores.Dataverse;

/// <summary>An error Dataverse returned ({"error":{"code","message"}}), with the HTTP status.</summary>
public sealed class DataverseException(HttpStatusCode status, string? code, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
}

/// <summary>One write inside a $batch change set.</summary>
/// <remarks><paramref name="Upsert"/>: a PATCH without If-Match, which creates the row when it does not exist (rows with name-based ids).</remarks>
public sealed record BatchOperation(HttpMethod Method, string RelativeUrl, JsonElement? Body, bool Upsert = false);

/// <summary>
/// A typed Dataverse Web API (OData v4) client: paged queries with Prefer odata.maxpagesize + @odata.nextLink, formatted
/// values and lookup annotations, and writes as $batch change sets. Authentication, 429 handling, the concurrency limit
/// and transient-fault retries are handlers of the HttpClient (see <see cref="DataverseRegistration"/>).
/// </summary>
public sealed class DataverseWebApiClient(HttpClient http)
{
    public const string ApiPath = "api/data/v9.2/";
    public const int DefaultPageSize = 1000;

    /// <summary>Write operations per $batch request. Dataverse allows 1000, but recommends small batches (§5.7).</summary>
    public const int MaxOperationsPerBatch = 100;

    private const string Annotations = "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname\"";

    private long _requests;
    private long _writeRequests;

    /// <summary>HTTP requests sent (reads and writes) since creation.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>HTTP requests that wrote something ($batch calls, PATCH/POST) since creation.</summary>
    public long WriteRequests => Interlocked.Read(ref _writeRequests);

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>Rows of a query, following @odata.nextLink verbatim until the last page.</summary>
    public async IAsyncEnumerable<JsonElement> QueryAsync(string relativeUrl, int pageSize = DefaultPageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? next = relativeUrl;
        while (next is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            request.Headers.TryAddWithoutValidation("Prefer", $"odata.maxpagesize={pageSize.ToString(CultureInfo.InvariantCulture)}");
            request.Headers.TryAddWithoutValidation("Prefer", Annotations);
            using var document = await SendForJsonAsync(request, cancellationToken);
            var root = document.RootElement;
            if (root.TryGetProperty("value", out var rows))
            {
                foreach (var row in rows.EnumerateArray())
                    yield return row.Clone();
            }
            next = root.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
        }
    }

    /// <summary>One record, or null when it does not exist (404).</summary>
    public async Task<JsonElement?> RetrieveAsync(string entitySet, Guid id, string select, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{entitySet}({id:D})?$select={select}");
        request.Headers.TryAddWithoutValidation("Prefer", Annotations);
        try
        {
            using var document = await SendForJsonAsync(request, cancellationToken);
            return document.RootElement.Clone();
        }
        catch (DataverseException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends the operations as $batch requests of <see cref="MaxOperationsPerBatch"/>, one change set per group so a
    /// group (one contact's changes) is all-or-nothing. Returns the number of HTTP requests made.
    /// </summary>
    public async Task<int> ExecuteBatchAsync(IReadOnlyList<IReadOnlyList<BatchOperation>> groups, CancellationToken cancellationToken)
    {
        var batches = new List<List<IReadOnlyList<BatchOperation>>>();
        var count = 0;
        foreach (var group in groups.Where(g => g.Count > 0))
        {
            if (batches.Count == 0 || count + group.Count > MaxOperationsPerBatch)
            {
                batches.Add([]);
                count = 0;
            }
            batches[^1].Add(group);
            count += group.Count;
        }
        // A few batches in flight at once: throughput without crowding the per-user concurrency limit (the
        // service-protection handler caps the total anyway).
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = ParallelBatches, CancellationToken = cancellationToken },
            async (batch, ct) => await SendBatchAsync(batch, ct));
        return batches.Count;
    }

    /// <summary>$batch requests sent in parallel by one <see cref="ExecuteBatchAsync"/>.</summary>
    public const int ParallelBatches = 4;

    /// <summary>Deletes a row; one that is already gone (deleted by a cascade or another writer) is not an error.</summary>
    public async Task DeleteAsync(string entitySet, Guid id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"{entitySet}({id:D})");
        Interlocked.Increment(ref _writeRequests);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return;
        await ThrowIfFailedAsync(response, cancellationToken);
    }

    public async Task PatchAsync(string entitySet, Guid id, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{entitySet}({id:D})")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        // If-Match: * turns the PATCH into a pure update: a deleted record gives 404 instead of being re-created.
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        Interlocked.Increment(ref _writeRequests);
        using var response = await SendAsync(request, cancellationToken);
        await ThrowIfFailedAsync(response, cancellationToken);
    }

    private async Task SendBatchAsync(IReadOnlyList<IReadOnlyList<BatchOperation>> changeSets, CancellationToken cancellationToken)
    {
        var batchBoundary = "batch_" + Guid.NewGuid().ToString("N");
        var body = new StringBuilder();
        var contentId = 1;
        var baseUrl = BaseAddress.ToString();
        foreach (var set in changeSets)
        {
            var changesetBoundary = "changeset_" + Guid.NewGuid().ToString("N");
            body.Append("--").Append(batchBoundary).Append("\r\n")
                .Append("Content-Type: multipart/mixed; boundary=").Append(changesetBoundary).Append("\r\n\r\n");
            foreach (var operation in set)
            {
                body.Append("--").Append(changesetBoundary).Append("\r\n")
                    .Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n")
                    .Append("Content-ID: ").Append(contentId++.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n")
                    .Append(operation.Method.Method).Append(' ').Append(baseUrl).Append(operation.RelativeUrl).Append(" HTTP/1.1\r\n");
                if (operation.Method == HttpMethod.Patch && !operation.Upsert)
                    body.Append("If-Match: *\r\n");
                body.Append("Content-Type: application/json; charset=utf-8\r\n\r\n")
                    .Append(operation.Body?.GetRawText() ?? "{}").Append("\r\n");
            }
            body.Append("--").Append(changesetBoundary).Append("--\r\n");
        }
        body.Append("--").Append(batchBoundary).Append("--\r\n");

        using var request = new HttpRequestMessage(HttpMethod.Post, "$batch")
        {
            Content = new StringContent(body.ToString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/mixed; boundary={batchBoundary}");
        Interlocked.Increment(ref _writeRequests);
        using var response = await SendAsync(request, cancellationToken);
        await ThrowIfFailedAsync(response, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        BatchResponse.ThrowOnFailure(text);
    }

    private async Task<JsonDocument> SendForJsonAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken);
        await ThrowIfFailedAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        request.Headers.TryAddWithoutValidation("OData-MaxVersion", "4.0");
        request.Headers.TryAddWithoutValidation("OData-Version", "4.0");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    internal static async Task ThrowIfFailedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var (code, message) = BatchResponse.ParseError(text);
        throw new DataverseException(response.StatusCode, code, $"Dataverse answered {(int)response.StatusCode}: {message ?? response.ReasonPhrase}");
    }
}

/// <summary>Reads a multipart $batch response: one "HTTP/1.1 &lt;status&gt;" block per operation.</summary>
public static class BatchResponse
{
    public static IReadOnlyList<(int Status, string Body)> Parse(string text)
    {
        var results = new List<(int, string)>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
                continue;
            var status = int.Parse(lines[i].AsSpan(9, 3), CultureInfo.InvariantCulture);
            // Headers until the blank line, then the body until the next boundary line.
            var j = i + 1;
            while (j < lines.Length && lines[j].Length > 0)
                j++;
            var body = new StringBuilder();
            for (j++; j < lines.Length && !lines[j].StartsWith("--", StringComparison.Ordinal); j++)
                body.Append(lines[j]);
            results.Add((status, body.ToString()));
            i = j - 1;
        }
        return results;
    }

    public static void ThrowOnFailure(string text)
    {
        foreach (var (status, body) in Parse(text))
        {
            if (status >= 400)
            {
                var (code, message) = ParseError(body);
                throw new DataverseException((HttpStatusCode)status, code, $"A $batch operation failed with {status}: {message ?? "no message"}");
            }
        }
    }

    public static (string? Code, string? Message) ParseError(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("error", out var error))
                return (error.TryGetProperty("code", out var c) ? c.GetString() : null, error.TryGetProperty("message", out var m) ? m.GetString() : null);
        }
        catch (JsonException)
        {
        }
        return (null, text.Length > 200 ? text[..200] : text.Length == 0 ? null : text);
    }
}
