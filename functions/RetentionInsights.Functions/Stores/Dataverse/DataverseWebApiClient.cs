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

    /// <summary>
    /// Changes of a table since <paramref name="deltaLink"/> with change tracking (<c>Prefer: odata.track-changes</c>): rows
    /// created or updated since (current values of the selected columns), ids of rows removed since, and the delta link to
    /// keep for next time. Without a delta link the query returns every row and the first link. Null when change tracking
    /// is not enabled on the table (the caller falls back to a <c>modifiedon</c> window).
    /// </summary>
    public async Task<TrackedChanges?> ReadChangesAsync(string relativeUrl, string? deltaLink, int pageSize = 5000, CancellationToken cancellationToken = default)
    {
        var changed = new List<JsonElement>();
        var removed = new List<Guid>();
        string? next = deltaLink ?? relativeUrl;
        string? newLink = null;
        while (next is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            request.Headers.TryAddWithoutValidation("Prefer", "odata.track-changes");
            request.Headers.TryAddWithoutValidation("Prefer", $"odata.maxpagesize={pageSize.ToString(CultureInfo.InvariantCulture)}");
            request.Headers.TryAddWithoutValidation("Prefer", Annotations);
            JsonDocument document;
            try
            {
                document = await SendForJsonAsync(request, cancellationToken);
            }
            catch (DataverseException e) when (e.Status == HttpStatusCode.BadRequest && ChangeTracking.IsNotEnabled(e.Message))
            {
                return null;
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.TryGetProperty("value", out var rows))
                {
                    foreach (var row in rows.EnumerateArray())
                    {
                        if (ChangeTracking.RemovedId(row) is { } id)
                            removed.Add(id);
                        else
                            changed.Add(row.Clone());
                    }
                }
                next = root.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
                if (root.TryGetProperty("@odata.deltaLink", out var delta))
                    newLink = delta.GetString();
            }
        }
        return new TrackedChanges(changed, removed, newLink ?? throw new DataverseException(HttpStatusCode.OK, null,
            $"Dataverse sent no @odata.deltaLink for {relativeUrl}; is change tracking enabled on the table?"));
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
    /// group (one contact's changes) is all-or-nothing, and throws the first change set's error once every group was tried.
    /// Returns the number of HTTP requests made.
    /// </summary>
    public async Task<int> ExecuteBatchAsync(IReadOnlyList<IReadOnlyList<BatchOperation>> groups, CancellationToken cancellationToken)
    {
        var (requests, errors) = await ExecuteChangeSetsAsync(groups, cancellationToken);
        return errors.FirstOrDefault(e => e is not null) is { } error ? throw error : requests;
    }

    /// <summary>
    /// Sends the groups as $batch change sets like <see cref="ExecuteBatchAsync"/>, asking Dataverse to go on after a failed
    /// change set (<c>Prefer: odata.continue-on-error</c>), so one contact's failure never keeps another's changes out.
    /// Returns the requests made and, per group, the error its change set failed with (null: written).
    /// </summary>
    public async Task<(int Requests, IReadOnlyList<DataverseException?> Errors)> ExecuteChangeSetsAsync(IReadOnlyList<IReadOnlyList<BatchOperation>> groups, CancellationToken cancellationToken)
    {
        var errors = new DataverseException?[groups.Count];
        var batches = new List<List<int>>();
        var count = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            if (groups[g].Count == 0)
                continue;
            if (batches.Count == 0 || count + groups[g].Count > MaxOperationsPerBatch)
            {
                batches.Add([]);
                count = 0;
            }
            batches[^1].Add(g);
            count += groups[g].Count;
        }
        // A few batches in flight at once: throughput without crowding the per-user concurrency limit (the
        // service-protection handler caps the total anyway). Each batch fills in its own groups' slots.
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = ParallelBatches, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                var outcome = await SendBatchAsync(batch.Select(g => groups[g]).ToList(), ct);
                for (var k = 0; k < batch.Count; k++)
                    errors[batch[k]] = outcome[k];
            });
        return (batches.Count, errors);
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

    /// <summary>Records per CreateMultiple/UpdateMultiple request: the most Dataverse accepts in one bulk message.</summary>
    public const int MaxRecordsPerBulkRequest = 1000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _bulkUnsupported = new(StringComparer.Ordinal);
    private int _parallelismHint = ParallelBatches;

    /// <summary>The degree of parallelism Dataverse last recommended (response header <c>x-ms-dop-hint</c>).</summary>
    public int ParallelismHint => Volatile.Read(ref _parallelismHint);

    /// <summary>Bulk requests (CreateMultiple/UpdateMultiple) sent since creation.</summary>
    public long BulkRequests => Interlocked.Read(ref _bulkRequests);

    private long _bulkRequests;

    /// <summary>Whether a table answered that it does not support the bulk messages (remembered for the client's lifetime).</summary>
    public bool BulkUnsupported(string entitySet) => _bulkUnsupported.ContainsKey(entitySet);

    /// <summary>
    /// Creates or updates records of one table with the bulk messages (<c>CreateMultiple</c>/<c>UpdateMultiple</c>, bound
    /// to the entity set), <see cref="MaxRecordsPerBulkRequest"/> a request, as many in flight as the server's
    /// <c>x-ms-dop-hint</c> recommends. Each record carries its own primary id (a create keeps the caller's id; the transport
    /// never makes one up). When the table answers that it does not support the message, the rest goes out as $batch
    /// change sets instead. Returns the number of HTTP requests made.
    /// </summary>
    public async Task<int> WriteMultipleAsync(BulkWrite write, CancellationToken cancellationToken)
    {
        if (write.Records.Count == 0)
            return 0;
        var chunks = write.Records.Chunk(MaxRecordsPerBulkRequest).ToList();
        var requests = 0;
        var pending = new System.Collections.Concurrent.ConcurrentQueue<BulkRecord[]>();
        if (!BulkUnsupported(write.EntitySet))
        {
            // The first request alone: it tells whether the table supports the message, and its x-ms-dop-hint how many
            // of the rest may go in parallel.
            var first = await TrySendBulkAsync(write, chunks[0], cancellationToken);
            requests++;
            if (!first)
                pending.Enqueue(chunks[0]);
            var rest = chunks.Skip(1).ToList();
            if (first && rest.Count > 0)
            {
                var parallel = Math.Clamp(ParallelismHint, 1, MaxBulkParallelism);
                await Parallel.ForEachAsync(rest, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
                    async (chunk, ct) =>
                    {
                        Interlocked.Increment(ref requests);
                        if (!await TrySendBulkAsync(write, chunk, ct))
                            pending.Enqueue(chunk);
                    });
            }
            else if (!first)
            {
                foreach (var chunk in rest)
                    pending.Enqueue(chunk);
            }
        }
        else
        {
            foreach (var chunk in chunks)
                pending.Enqueue(chunk);
        }
        if (!pending.IsEmpty)
        {
            var groups = pending.SelectMany(c => c).Select(r => (IReadOnlyList<BatchOperation>)[r.AsBatchOperation(write)]).ToList();
            requests += await ExecuteBatchAsync(groups, cancellationToken);
        }
        return requests;
    }

    /// <summary>Bulk requests in flight at once, whatever the hint says: the per-user concurrency limit is shared with reads.</summary>
    public const int MaxBulkParallelism = 8;

    /// <summary>Sends one bulk request; false when the table does not support the message (the caller falls back).</summary>
    private async Task<bool> TrySendBulkAsync(BulkWrite write, IReadOnlyList<BulkRecord> records, CancellationToken cancellationToken)
    {
        var message = write.Create ? "CreateMultiple" : "UpdateMultiple";
        var targets = new System.Text.Json.Nodes.JsonArray();
        foreach (var record in records)
            targets.Add(record.AsTarget(write));
        var body = new System.Text.Json.Nodes.JsonObject { ["Targets"] = targets };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{write.EntitySet}/Microsoft.Dynamics.CRM.{message}")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        Interlocked.Increment(ref _writeRequests);
        Interlocked.Increment(ref _bulkRequests);
        using var response = await SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("x-ms-dop-hint", out var hints)
            && int.TryParse(hints.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var hint) && hint > 0)
            Volatile.Write(ref _parallelismHint, hint);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var (code, error) = BatchResponse.ParseError(text);
            // A new row's id is name-based: another writer may have created it meanwhile. The chunk then goes out as
            // $batch upserts (PATCH by id), which converge on that row instead of failing the night.
            if (write.Create && BulkMessageSupport.IsDuplicateKey(code, error))
                return false;
            if (BulkMessageSupport.IsNotSupported(response.StatusCode, error, message))
            {
                _bulkUnsupported[write.EntitySet] = true;
                return false;
            }
            throw new DataverseException(response.StatusCode, code, $"Dataverse answered {(int)response.StatusCode} to {message} on {write.EntitySet}: {error ?? response.ReasonPhrase}");
        }
        return true;
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

    private async Task<IReadOnlyList<DataverseException?>> SendBatchAsync(IReadOnlyList<IReadOnlyList<BatchOperation>> changeSets, CancellationToken cancellationToken)
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
        request.Headers.TryAddWithoutValidation("Prefer", "odata.continue-on-error");
        Interlocked.Increment(ref _writeRequests);
        using var response = await SendAsync(request, cancellationToken);
        await ThrowIfFailedAsync(response, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var boundary = response.Content.Headers.ContentType?.Parameters.FirstOrDefault(p => p.Name == "boundary")?.Value?.Trim('"');
        return BatchResponse.ChangeSetErrors(text, boundary, changeSets.Count);
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

/// <summary>Records of one table written with one bulk message: created (ids supplied by the caller) or updated.</summary>
public sealed record BulkWrite(string EntitySet, string LogicalName, string PrimaryId, bool Create, IReadOnlyList<BulkRecord> Records);

/// <summary>One record of a bulk write: its id and the columns to set (lookups as <c>x@odata.bind</c>).</summary>
public sealed record BulkRecord(Guid Id, System.Text.Json.Nodes.JsonObject Columns)
{
    /// <summary>The record as a <c>Targets</c> item: typed with @odata.type and carrying its primary id.</summary>
    public System.Text.Json.Nodes.JsonObject AsTarget(BulkWrite write)
    {
        var target = new System.Text.Json.Nodes.JsonObject
        {
            ["@odata.type"] = $"Microsoft.Dynamics.CRM.{write.LogicalName}",
            [write.PrimaryId] = Id.ToString("D"),
        };
        foreach (var (name, value) in Columns)
        {
            if (name != write.PrimaryId)
                target[name] = value?.DeepClone();
        }
        return target;
    }

    /// <summary>The same record as a $batch operation, for tables without the bulk messages.</summary>
    public BatchOperation AsBatchOperation(BulkWrite write)
    {
        var body = new System.Text.Json.Nodes.JsonObject();
        if (write.Create)
            body[write.PrimaryId] = Id.ToString("D");
        foreach (var (name, value) in Columns)
        {
            if (name != write.PrimaryId)
                body[name] = value?.DeepClone();
        }
        // A create falls back to PATCH by its own id: an upsert, so a row another writer created meanwhile is updated, not doubled.
        return new BatchOperation(HttpMethod.Patch, $"{write.EntitySet}({Id:D})", JsonSerializer.SerializeToElement(body), Upsert: write.Create);
    }
}

/// <summary>What a change-tracking query returned: changed rows, removed ids, and the link for next time.</summary>
public sealed record TrackedChanges(IReadOnlyList<JsonElement> Changed, IReadOnlyList<Guid> Removed, string DeltaLink);

/// <summary>The shapes of change tracking in the Web API.</summary>
public static class ChangeTracking
{
    /// <summary>The id of a "removed" row of a delta response (<c>$deletedEntity</c> with <c>id</c>), or null for a changed row.</summary>
    public static Guid? RemovedId(JsonElement row)
    {
        var deleted = row.TryGetProperty("@odata.context", out var context) && context.GetString() is { } text && text.EndsWith("$deletedEntity", StringComparison.Ordinal)
            || row.TryGetProperty("reason", out var reason) && reason.GetString() is "deleted" or "changed" && !row.TryGetProperty("@odata.etag", out _);
        return deleted && row.TryGetProperty("id", out var id) && Guid.TryParse(id.GetString(), out var guid) ? guid : null;
    }

    /// <summary>Dataverse answers a change-tracking query on a table without it: "… change tracking is not enabled …".</summary>
    public static bool IsNotEnabled(string message) =>
        message.Contains("change tracking", StringComparison.OrdinalIgnoreCase) && message.Contains("not enabled", StringComparison.OrdinalIgnoreCase);
}

/// <summary>How Dataverse says that a table does not support CreateMultiple/UpdateMultiple.</summary>
public static class BulkMessageSupport
{
    /// <summary>Dataverse refuses a create whose id exists: error 0x80040237 "Cannot insert duplicate key".</summary>
    public static bool IsDuplicateKey(string? code, string? message) =>
        string.Equals(code, "0x80040237", StringComparison.OrdinalIgnoreCase)
        || (message ?? string.Empty).Contains("duplicate key", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The action is unknown on the entity set (404 naming the action), or the message is refused for the table
    /// (400/405/501 "… is not supported …"). Anything else is a real error of the data and is surfaced.
    /// </summary>
    public static bool IsNotSupported(HttpStatusCode status, string? message, string action)
    {
        var text = message ?? string.Empty;
        var namesAction = text.Contains(action, StringComparison.OrdinalIgnoreCase);
        var refused = text.Contains("not supported", StringComparison.OrdinalIgnoreCase) || text.Contains("does not support", StringComparison.OrdinalIgnoreCase)
            || text.Contains("not enabled", StringComparison.OrdinalIgnoreCase);
        return status switch
        {
            HttpStatusCode.NotFound => namesAction,
            HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented => refused && namesAction,
            _ => false,
        };
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

    /// <summary>
    /// Per change set of the request, in order, the error it failed with (null: applied). Each top-level part of the answer
    /// is one change set: a nested multipart of its operations' results when it was applied, one error response when it was
    /// rolled back. Change sets the answer does not reach (a server that ended the batch early) are reported as not applied.
    /// </summary>
    public static IReadOnlyList<DataverseException?> ChangeSetErrors(string text, string? boundary, int changeSets)
    {
        var parts = boundary is null ? [text] : text.Split("--" + boundary).Where(p => p.Contains("HTTP/1.1 ", StringComparison.Ordinal)).ToArray();
        var errors = new DataverseException?[changeSets];
        for (var k = 0; k < changeSets; k++)
        {
            if (k >= parts.Length)
            {
                errors[k] = new DataverseException(HttpStatusCode.FailedDependency, null, "A $batch change set was not applied: the answer ended before it.");
                continue;
            }
            foreach (var (status, body) in Parse(parts[k]))
            {
                if (status < 400)
                    continue;
                var (code, message) = ParseError(body);
                errors[k] = new DataverseException((HttpStatusCode)status, code, $"A $batch operation failed with {status}: {message ?? "no message"}");
                break;
            }
        }
        return errors;
    }

    /// <summary>A row the write names (the contact, or one of its recommendations or alerts) no longer exists: error 0x80040217.</summary>
    /// <remarks>Both the code and the "… With Id = … Does Not Exist" text: a missing column ("The property … does not exist on
    /// type …") is an error in the data, not a deleted row.</remarks>
    public static bool IsMissingRow(DataverseException error) =>
        string.Equals(error.Code, "0x80040217", StringComparison.OrdinalIgnoreCase)
        && error.Message.Contains(" With Id = ", StringComparison.OrdinalIgnoreCase)
        && error.Message.Contains("Does Not Exist", StringComparison.OrdinalIgnoreCase);

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
