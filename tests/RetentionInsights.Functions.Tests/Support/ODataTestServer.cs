using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>
/// A local stand-in for a Dataverse Web API endpoint, loaded from a local org. It answers with the real JSON shapes:
/// "@odata.context", "@odata.etag", lookups as "_x_value" with lookuplogicalname and FormattedValue annotations,
/// server-driven paging with Prefer odata.maxpagesize and "@odata.nextLink" ($skiptoken), {"error":{code,message}}
/// errors, 429 with Retry-After on demand, multipart $batch with change sets, and the bulk actions CreateMultiple and
/// UpdateMultiple bound to an entity set (all-or-nothing per request, x-ms-dop-hint on the answer; a table can be made to
/// refuse them, as tables without bulk support do), and change tracking: <c>Prefer: odata.track-changes</c> answers with an
/// <c>@odata.deltaLink</c>, and a <c>$deltatoken</c> query returns the rows created or changed since (current values) and
/// removed rows as <c>$deletedEntity</c> entries; a table can be left without change tracking. $filter supports eq/ne with and/or and
/// parentheses, which is the subset the store sends.
/// </summary>
public sealed partial class ODataTestServer : HttpMessageHandler
{
    public const string Host = "https://contoso.crm4.dynamics.com";
    private const string Api = "/api/data/v9.2/";
    private readonly Dictionary<string, TableDefinition> _bySet;
    private readonly object _lock = new();
    private int _throttle;
    private int _retryAfterSeconds;

    public ODataTestServer(string localOrgPath)
    {
        _bySet = DataModel.Current.Tables.ToDictionary(t => t.EntitySetName);
        using var connection = new SqliteConnection(LocalOrgDatabase.ConnectionString(localOrgPath, readOnly: true));
        connection.Open();
        foreach (var table in DataModel.Current.Tables)
        {
            var rows = new List<Dictionary<string, object?>>();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table.LogicalName}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                rows.Add(row);
            }
            Tables[table.LogicalName] = rows;
        }
    }

    public Dictionary<string, List<Dictionary<string, object?>>> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request as "METHOD path?query" (decoded), plus the Prefer header values seen.</summary>
    public List<string> Requests { get; } = [];
    public List<string> PreferHeaders { get; } = [];
    public int BatchRequests { get; private set; }
    public int BatchOperations { get; private set; }

    /// <summary>The next <paramref name="count"/> requests fail with <paramref name="status"/> (e.g. 503 from a busy web server).</summary>
    public void FailNext(int count, HttpStatusCode status)
    {
        _fail = count;
        _failStatus = status;
    }

    private int _fail;
    private HttpStatusCode _failStatus;

    /// <summary>Bulk requests by action ("CreateMultiple", "UpdateMultiple"), and the records they carried.</summary>
    public Dictionary<string, int> BulkRequests { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> BulkRecords { get; } = new(StringComparer.Ordinal);

    /// <summary>Entity sets that answer the bulk actions with "not supported" (the client must fall back to $batch).</summary>
    public HashSet<string> BulkUnsupported { get; } = new(StringComparer.Ordinal);

    /// <summary>Entity sets without change tracking (a track-changes query is refused, as Dataverse does).</summary>
    public HashSet<string> NotChangeTracked { get; } = new(StringComparer.Ordinal);

    // Change tracking: every create/update stamps the row with the next version; deletes leave a tombstone.
    private long _version;
    private readonly Dictionary<Dictionary<string, object?>, long> _versions = new(ReferenceEqualityComparer.Instance);
    private readonly List<(string Table, string Id, long Version)> _removed = [];

    private void Stamp(Dictionary<string, object?> row) => _versions[row] = ++_version;

    /// <summary>A row created at the source (stamped for change tracking).</summary>
    public void Insert(string table, Dictionary<string, object?> values)
    {
        lock (_lock)
        {
            var definition = DataModel.Current.Table(table);
            var row = definition.Columns.SelectMany(c => c.TypeColumnName is { } t ? new[] { c.Name, t } : [c.Name]).ToDictionary(n => n, _ => (object?)null, StringComparer.Ordinal);
            foreach (var (k, v) in values)
                row[k] = v;
            Tables[table].Add(row);
            Stamp(row);
        }
    }

    /// <summary>A column changed at the source.</summary>
    public void Update(string table, Guid id, string column, object? value)
    {
        lock (_lock)
        {
            var row = Row(table, id) ?? throw new KeyNotFoundException($"{table} {id}");
            row[column] = value;
            Stamp(row);
        }
    }

    /// <summary>A row deleted at the source (a tombstone for change tracking).</summary>
    public void Delete(string table, Guid id)
    {
        lock (_lock)
        {
            var row = Row(table, id) ?? throw new KeyNotFoundException($"{table} {id}");
            Tables[table].Remove(row);
            _removed.Add((table, id.ToString("D"), ++_version));
        }
    }

    /// <summary>The x-ms-dop-hint sent with every bulk answer.</summary>
    public int ParallelismHint { get; set; } = 4;

    /// <summary>The next <paramref name="count"/> write requests (POST, PATCH) get 429 with Retry-After: <paramref name="seconds"/>; reads pass.</summary>
    public void ThrottleWritesNext(int count, int seconds)
    {
        _throttleWrites = count;
        _retryAfterSeconds = seconds;
    }

    private int _throttleWrites;

    /// <summary>The next <paramref name="count"/> requests get 429 with Retry-After: <paramref name="seconds"/>.</summary>
    public void ThrottleNext(int count, int seconds)
    {
        _throttle = count;
        _retryAfterSeconds = seconds;
    }

    public Dictionary<string, object?>? Row(string table, Guid id) =>
        Tables[table].FirstOrDefault(r => string.Equals(r[DataModel.Current.Table(table).PrimaryId] as string, id.ToString("D"), StringComparison.OrdinalIgnoreCase));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_lock)
        {
            var path = request.RequestUri!.AbsolutePath;
            Requests.Add($"{request.Method} {Uri.UnescapeDataString(request.RequestUri.PathAndQuery)}");
            PreferHeaders.AddRange(request.Headers.TryGetValues("Prefer", out var prefer) ? prefer : []);
            if (request.Headers.Authorization is not { Scheme: "Bearer" })
                return Error(HttpStatusCode.Unauthorized, "0x80072560", "No bearer token.");
            if (_fail > 0)
            {
                _fail--;
                return Error(_failStatus, "0x80040216", "An unexpected error occurred.");
            }
            if (_throttle > 0 || (_throttleWrites > 0 && request.Method != HttpMethod.Get))
            {
                if (_throttle > 0)
                    _throttle--;
                else
                    _throttleWrites--;
                var throttled = Error(HttpStatusCode.TooManyRequests, "0x80072322", "Number of requests exceeded the limit of 6000 over time window of 300 seconds.");
                throttled.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(_retryAfterSeconds));
                return throttled;
            }
            if (!path.StartsWith(Api, StringComparison.Ordinal))
                return Error(HttpStatusCode.NotFound, "0x80060888", "Resource not found for the segment.");
            var resource = path[Api.Length..];
            if (resource == "$batch" && request.Method == HttpMethod.Post)
                return Batch(request.Content!.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"'), body!,
                    continueOnError: request.Headers.TryGetValues("Prefer", out var batchPrefer) && batchPrefer.Any(v => v.Contains("odata.continue-on-error", StringComparison.Ordinal)));
            if (BulkPattern().Match(resource) is { Success: true } bulk && request.Method == HttpMethod.Post && _bySet.ContainsKey(bulk.Groups[1].Value))
                return Bulk(bulk.Groups[1].Value, bulk.Groups[2].Value, body!);
            var match = KeyPattern().Match(resource);
            var query = Query(request.RequestUri);
            var prefers = string.Join(",", request.Headers.TryGetValues("Prefer", out var p) ? p : []);
            if (match.Success)
            {
                var set = match.Groups[1].Value;
                var id = Guid.Parse(match.Groups[2].Value);
                if (request.Method == HttpMethod.Get)
                    return RetrieveOne(set, id, query);
                if (request.Method == HttpMethod.Delete)
                {
                    var table = _bySet[set];
                    var removed = Tables[table.LogicalName].RemoveAll(r => string.Equals(r[table.PrimaryId] as string, id.ToString("D"), StringComparison.OrdinalIgnoreCase));
                    return removed > 0 ? new HttpResponseMessage(HttpStatusCode.NoContent)
                        : Error(HttpStatusCode.NotFound, "0x80040217", $"{table.LogicalName} With Id = {id} Does Not Exist");
                }
                if (request.Method == HttpMethod.Patch)
                {
                    var (status, message) = Patch(set, id, body!);
                    return status == 204 ? new HttpResponseMessage(HttpStatusCode.NoContent) : Error((HttpStatusCode)status, "0x80040217", message!);
                }
            }
            if (request.Method == HttpMethod.Get && _bySet.ContainsKey(resource))
                return List(resource, query, prefers);
            return Error(HttpStatusCode.BadRequest, "0x80060888", $"Unsupported request {request.Method} {resource}.");
        }
    }

    private HttpResponseMessage List(string set, Dictionary<string, string> query, string prefer)
    {
        var table = _bySet[set];
        var tracking = prefer.Contains("odata.track-changes", StringComparison.Ordinal);
        if (tracking && NotChangeTracked.Contains(set))
            return Error(HttpStatusCode.BadRequest, "0x80044151", $"Change tracking is not enabled for the entity '{table.LogicalName}'.");
        IEnumerable<Dictionary<string, object?>> rows = Tables[table.LogicalName];
        long? since = query.TryGetValue("$deltatoken", out var deltaToken) ? long.Parse(deltaToken, CultureInfo.InvariantCulture) : null;
        if (since is { } after)
            rows = rows.Where(r => _versions.GetValueOrDefault(r) > after);
        if (query.TryGetValue("$filter", out var filter))
        {
            var predicate = new FilterParser(filter, table).Parse();
            rows = rows.Where(predicate);
        }
        if (query.TryGetValue("$orderby", out var orderBy))
        {
            IOrderedEnumerable<Dictionary<string, object?>>? ordered = null;
            foreach (var clause in orderBy.Split(','))
            {
                var parts = clause.Trim().Split(' ');
                var column = Physical(table, parts[0]);
                var desc = parts.Length > 1 && parts[1] == "desc";
                Func<Dictionary<string, object?>, object?> key = r => r[column];
                var comparer = Comparer<object?>.Create(CompareValues);
                ordered = ordered is null
                    ? desc ? rows.OrderByDescending(key, comparer) : rows.OrderBy(key, comparer)
                    : desc ? ordered.ThenByDescending(key, comparer) : ordered.ThenBy(key, comparer);
            }
            rows = ordered!;
        }
        if (query.TryGetValue("$top", out var top))
            rows = rows.Take(int.Parse(top, CultureInfo.InvariantCulture));
        var all = rows.ToList();
        var pageSize = PageSizePattern().Match(prefer) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 5000;
        var skip = query.TryGetValue("$skiptoken", out var token) ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var page = all.Skip(skip).Take(pageSize).ToList();
        var select = query.TryGetValue("$select", out var s) ? s.Split(',') : table.Columns.Select(c => c.Name).ToArray();
        var json = new JsonObject
        {
            ["@odata.context"] = $"{Host}{Api}$metadata#{set}({string.Join(",", select)})",
            ["value"] = new JsonArray(page.Select(r => (JsonNode)Shape(table, r, select)).ToArray()),
        };
        if (skip + pageSize < all.Count)
        {
            var rest = string.Join("&", query.Where(q => q.Key != "$skiptoken").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"));
            json["@odata.nextLink"] = $"{Host}{Api}{set}?{rest}&$skiptoken={skip + pageSize}";
        }
        else if (tracking)
        {
            if (since is { } sinceVersion)
            {
                foreach (var (_, id, _) in _removed.Where(x => x.Table == table.LogicalName && x.Version > sinceVersion))
                    json["value"]!.AsArray().Add(new JsonObject { ["@odata.context"] = $"{Host}{Api}$metadata#{set}/$deletedEntity", ["id"] = id, ["reason"] = "deleted" });
            }
            var kept = string.Join("&", query.Where(q => q.Key is not ("$skiptoken" or "$deltatoken")).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"));
            json["@odata.deltaLink"] = $"{Host}{Api}{set}?{kept}&$deltatoken={_version}";
        }
        return JsonResponse(HttpStatusCode.OK, json);
    }

    private HttpResponseMessage RetrieveOne(string set, Guid id, Dictionary<string, string> query)
    {
        var table = _bySet[set];
        var row = Row(table.LogicalName, id);
        if (row is null)
            return Error(HttpStatusCode.NotFound, "0x80040217", $"{table.LogicalName} With Id = {id} Does Not Exist");
        var select = query.TryGetValue("$select", out var s) ? s.Split(',') : table.Columns.Select(c => c.Name).ToArray();
        var json = Shape(table, row, select);
        json["@odata.context"] = $"{Host}{Api}$metadata#{set}/$entity";
        return JsonResponse(HttpStatusCode.OK, json);
    }

    /// <summary>A row as the Web API returns it: lookups renamed to _x_value with annotations, choices with formatted values.</summary>
    private static JsonObject Shape(TableDefinition table, Dictionary<string, object?> row, string[] select)
    {
        var json = new JsonObject { ["@odata.etag"] = $"W/\"{Math.Abs(row.GetHashCode())}\"" };
        foreach (var name in select.Append(table.PrimaryId).Distinct())
        {
            var lookup = LookupName().Match(name);
            var columnName = lookup.Success ? lookup.Groups[1].Value : name;
            var column = table.Column(columnName);
            var value = row[column.Name];
            if (column.Type is ColumnType.Lookup or ColumnType.Customer)
            {
                if (!lookup.Success)
                    throw new InvalidOperationException($"A lookup is selected as _{columnName}_value, not {columnName}.");
                json[name] = value as string;
                if (value is not null)
                {
                    json[name + "@Microsoft.Dynamics.CRM.lookuplogicalname"] = column.TypeColumnName is { } t ? row[t] as string : column.Targets![0];
                    json[name + "@OData.Community.Display.V1.FormattedValue"] = "Display name";
                }
                continue;
            }
            json[name] = column.Type switch
            {
                _ when value is null => null,
                ColumnType.Bool => Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
                ColumnType.Int or ColumnType.Choice or ColumnType.State or ColumnType.Status => Convert.ToInt32(value, CultureInfo.InvariantCulture),
                ColumnType.Decimal or ColumnType.Money => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
                _ => (string)value,
            };
            if (value is not null && column.Type is ColumnType.Choice or ColumnType.State or ColumnType.Status or ColumnType.Money or ColumnType.Bool)
                json[name + "@OData.Community.Display.V1.FormattedValue"] = Convert.ToString(value, CultureInfo.InvariantCulture);
        }
        return json;
    }

    private (int Status, string? Message) Patch(string set, Guid id, string body, bool upsert = false)
    {
        var table = _bySet[set];
        var row = Row(table.LogicalName, id);
        if (row is null && upsert)
        {
            // Dataverse: a PATCH without If-Match to a missing key creates the row with that id.
            var values = JsonNode.Parse(body)!.AsObject();
            values[table.PrimaryId] = id.ToString("D");
            return Create(set, values.ToJsonString());
        }
        if (row is null)
            return (404, $"{table.LogicalName} With Id = {id} Does Not Exist");
        var result = Apply(table, row, JsonNode.Parse(body)!.AsObject());
        if (result.Status == 204)
            Stamp(row);
        return result;
    }

    private (int Status, string? Message) Create(string set, string body)
    {
        var table = _bySet[set];
        var row = table.Columns.SelectMany(c => c.TypeColumnName is { } t ? new[] { c.Name, t } : [c.Name]).ToDictionary(n => n, _ => (object?)null, StringComparer.Ordinal);
        var values = JsonNode.Parse(body)!.AsObject();
        row[table.PrimaryId] = (values[table.PrimaryId]?.GetValue<string>() ?? Guid.NewGuid().ToString("D")).ToLowerInvariant();
        row["createdon"] = StorageFormat.DateTime(DateTime.UtcNow);
        var result = Apply(table, row, values);
        if (result.Status == 204)
        {
            Tables[table.LogicalName].Add(row);
            Stamp(row);
        }
        return result;
    }

    private (int Status, string? Message) Apply(TableDefinition table, Dictionary<string, object?> row, JsonObject values)
    {
        foreach (var (name, node) in values)
        {
            if (name.EndsWith("@odata.bind", StringComparison.Ordinal))
            {
                var column = name[..^"@odata.bind".Length];
                var target = BindPattern().Match(node!.GetValue<string>());
                if (!table.HasColumn(column) || !target.Success)
                    return (400, $"An undeclared property '{column}' which only has property annotations in the payload but no property value was found in the payload.");
                // Like Dataverse, a lookup may only point at a row that exists.
                var targetTable = DataModel.Current.Tables.Single(t => t.EntitySetName == target.Groups[1].Value).LogicalName;
                if (Row(targetTable, Guid.Parse(target.Groups[2].Value)) is null)
                    return (404, $"{targetTable} With Id = {target.Groups[2].Value} Does Not Exist");
                row[column] = target.Groups[2].Value.ToLowerInvariant();
                if (table.Column(column).TypeColumnName is { } typeColumn)
                    row[typeColumn] = targetTable;
                continue;
            }
            if (!table.HasColumn(name))
                return (400, $"The property '{name}' does not exist on type 'Microsoft.Dynamics.CRM.{table.LogicalName}'.");
            row[name] = node switch
            {
                null => null,
                JsonValue v when v.TryGetValue<bool>(out var b) => b ? 1L : 0L,
                JsonValue v when v.TryGetValue<string>(out var text) => text,
                JsonValue v => v.GetValue<double>(),
                _ => node.ToJsonString(),
            };
        }
        return (204, null);
    }

    /// <summary>CreateMultiple/UpdateMultiple: every target typed with @odata.type and carrying its id; all or nothing.</summary>
    private HttpResponseMessage Bulk(string set, string action, string body)
    {
        var table = _bySet[set];
        if (BulkUnsupported.Contains(set))
            return Error(HttpStatusCode.BadRequest, "0x80040203", $"{action} is not supported for entity '{table.LogicalName}'.");
        BulkRequests[action] = BulkRequests.GetValueOrDefault(action) + 1;
        var targets = JsonNode.Parse(body)!["Targets"]!.AsArray();
        BulkRecords[action] = BulkRecords.GetValueOrDefault(action) + targets.Count;
        if (targets.Count > 1000)
            return Error(HttpStatusCode.BadRequest, "0x80040203", $"{action} accepts at most 1000 records; {targets.Count} were sent.");
        var saved = Tables[table.LogicalName].Select(r => new Dictionary<string, object?>(r)).ToList();
        var ids = new List<string>();
        foreach (var node in targets)
        {
            var target = node!.AsObject().DeepClone().AsObject();
            if (target["@odata.type"]?.GetValue<string>() != $"Microsoft.Dynamics.CRM.{table.LogicalName}")
                return Undo(HttpStatusCode.BadRequest, "Every item of Targets needs the @odata.type annotation of the table.");
            target.Remove("@odata.type");
            var id = target[table.PrimaryId]?.GetValue<string>();
            if (id is null)
                return Undo(HttpStatusCode.BadRequest, $"A target has no {table.PrimaryId}.");
            if (ids.Contains(id, StringComparer.OrdinalIgnoreCase))
                return Undo(HttpStatusCode.BadRequest, $"The record {id} appears twice in Targets.");
            ids.Add(id);
            (int Status, string? Message) result;
            if (action == "CreateMultiple")
                result = Row(table.LogicalName, Guid.Parse(id)) is null ? Create(set, target.ToJsonString()) : (412, "A record with matching key values already exists.");
            else
            {
                target.Remove(table.PrimaryId);
                result = Patch(set, Guid.Parse(id), target.ToJsonString());
            }
            if (result.Status >= 400)
                return Undo((HttpStatusCode)result.Status, result.Message!);
        }
        var response = action == "CreateMultiple"
            ? JsonResponse(HttpStatusCode.OK, new JsonObject { ["Ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()) })
            : new HttpResponseMessage(HttpStatusCode.NoContent);
        response.Headers.Add("x-ms-dop-hint", ParallelismHint.ToString(CultureInfo.InvariantCulture));
        return response;

        HttpResponseMessage Undo(HttpStatusCode status, string message)
        {
            Tables[table.LogicalName] = saved;
            return Error(status, "0x80040217", message);
        }
    }

    /// <summary>Like Dataverse: change sets in order, each atomic; the first failed one ends the batch unless the request asks to continue.</summary>
    private HttpResponseMessage Batch(string boundary, string body, bool continueOnError)
    {
        BatchRequests++;
        var response = new StringBuilder();
        var responseBoundary = "batchresponse_" + Guid.NewGuid().ToString("D");
        foreach (var part in Parts(body, boundary))
        {
            var (headers, content) = SplitHeaders(part);
            var changesetBoundary = BoundaryPattern().Match(headers);
            if (!changesetBoundary.Success)
                continue;
            var changesetResponse = "changesetresponse_" + Guid.NewGuid().ToString("D");
            var snapshot = Tables.ToDictionary(t => t.Key, t => t.Value.Select(r => new Dictionary<string, object?>(r)).ToList());
            var results = new List<(string ContentId, int Status, string? Message)>();
            foreach (var operation in Parts(content, changesetBoundary.Groups[1].Value))
            {
                BatchOperations++;
                var (opHeaders, http) = SplitHeaders(operation);
                var contentId = Regex.Match(opHeaders, @"Content-ID:\s*(\S+)").Groups[1].Value;
                var (requestLine, opBody) = SplitHeaders(http);
                var line = requestLine.Split('\n')[0].Trim().Split(' ');
                var uri = new Uri(line[1]);
                var resource = uri.AbsolutePath[Api.Length..];
                var key = KeyPattern().Match(resource);
                var result = line[0] switch
                {
                    "PATCH" when key.Success => Patch(key.Groups[1].Value, Guid.Parse(key.Groups[2].Value), opBody,
                        upsert: !requestLine.Contains("If-Match", StringComparison.OrdinalIgnoreCase)),
                    "POST" when _bySet.ContainsKey(resource) => Create(resource, opBody),
                    _ => (400, $"Unsupported batch operation {line[0]} {resource}"),
                };
                results.Add((contentId, result.Item1, result.Item2));
                if (result.Item1 >= 400)
                    break;
            }
            response.Append("--").Append(responseBoundary).Append("\r\n");
            if (results.FirstOrDefault(r => r.Status >= 400) is { ContentId: not null } failed && failed.Status >= 400)
            {
                // A change set is atomic: undo it and answer with the one error.
                foreach (var (name, rows) in snapshot)
                    Tables[name] = rows;
                response.Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                    .Append($"HTTP/1.1 {failed.Status} Error\r\nContent-Type: application/json; odata.metadata=minimal\r\nOData-Version: 4.0\r\n\r\n")
                    .Append(new JsonObject { ["error"] = new JsonObject { ["code"] = "0x80040217", ["message"] = failed.Message } }.ToJsonString()).Append("\r\n");
                if (!continueOnError)
                    break;
                continue;
            }
            response.Append("Content-Type: multipart/mixed; boundary=").Append(changesetResponse).Append("\r\n\r\n");
            foreach (var (contentId, status, _) in results)
            {
                response.Append("--").Append(changesetResponse).Append("\r\n")
                    .Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ").Append(contentId).Append("\r\n\r\n")
                    .Append("HTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\n\r\n\r\n");
            }
            response.Append("--").Append(changesetResponse).Append("--\r\n");
        }
        response.Append("--").Append(responseBoundary).Append("--\r\n");
        var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(response.ToString(), Encoding.UTF8) };
        message.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"multipart/mixed; boundary={responseBoundary}");
        return message;
    }

    private static IEnumerable<string> Parts(string body, string boundary)
    {
        var text = body.Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var piece in text.Split("--" + boundary))
        {
            var trimmed = piece.Trim('\n');
            if (trimmed.Length == 0 || trimmed == "--")
                continue;
            yield return trimmed;
        }
    }

    private static (string Headers, string Body) SplitHeaders(string part)
    {
        var index = part.IndexOf("\n\n", StringComparison.Ordinal);
        return index < 0 ? (part, string.Empty) : (part[..index], part[(index + 2)..].Trim('\n'));
    }

    private static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : string.Empty);

    private static string Physical(TableDefinition table, string name) => LookupName().Match(name) is { Success: true } m ? m.Groups[1].Value : table.Column(name).Name;

    private static int CompareValues(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (string x, string y) => string.CompareOrdinal(x, y),
        _ => Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture)),
    };

    private static HttpResponseMessage JsonResponse(HttpStatusCode status, JsonNode json)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json") };
        response.Content.Headers.ContentType!.Parameters.Add(new System.Net.Http.Headers.NameValueHeaderValue("odata.metadata", "minimal"));
        response.Headers.Add("OData-Version", "4.0");
        return response;
    }

    private static HttpResponseMessage Error(HttpStatusCode status, string code, string message) =>
        JsonResponse(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    [GeneratedRegex(@"^(\w+)\(([0-9a-fA-F-]{36})\)$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^(\w+)/Microsoft\.Dynamics\.CRM\.(CreateMultiple|UpdateMultiple)$")]
    private static partial Regex BulkPattern();

    [GeneratedRegex(@"odata\.maxpagesize=(\d+)")]
    private static partial Regex PageSizePattern();

    [GeneratedRegex(@"^_(\w+)_value$")]
    private static partial Regex LookupName();

    [GeneratedRegex(@"^/(\w+)\(([0-9a-fA-F-]{36})\)$")]
    private static partial Regex BindPattern();

    [GeneratedRegex(@"boundary=([\w-]+)")]
    private static partial Regex BoundaryPattern();

    /// <summary>eq/ne comparisons combined with and/or and parentheses.</summary>
    private sealed class FilterParser(string text, TableDefinition table)
    {
        private readonly string[] _tokens = Regex.Matches(text, @"\(|\)|[^\s()]+").Select(m => m.Value).ToArray();
        private int _at;

        public Func<Dictionary<string, object?>, bool> Parse()
        {
            var result = Or();
            if (_at != _tokens.Length)
                throw new FormatException($"Unexpected '{_tokens[_at]}' in $filter.");
            return result;
        }

        private Func<Dictionary<string, object?>, bool> Or()
        {
            var left = And();
            while (_at < _tokens.Length && _tokens[_at] == "or")
            {
                _at++;
                var l = left;
                var r = And();
                left = row => l(row) || r(row);
            }
            return left;
        }

        private Func<Dictionary<string, object?>, bool> And()
        {
            var left = Factor();
            while (_at < _tokens.Length && _tokens[_at] == "and")
            {
                _at++;
                var l = left;
                var r = Factor();
                left = row => l(row) && r(row);
            }
            return left;
        }

        private Func<Dictionary<string, object?>, bool> Factor()
        {
            if (_tokens[_at] == "(")
            {
                _at++;
                var inner = Or();
                _at++; // ")"
                return inner;
            }
            var column = Physical(table, _tokens[_at++]);
            var op = _tokens[_at++];
            var literal = _tokens[_at++];
            object? value = literal == "null" ? null : literal.Trim('\'');
            bool Equal(Dictionary<string, object?> row) => row[column] is var v && (v is null || value is null
                ? v is null && value is null
                : string.Equals(Convert.ToString(v, CultureInfo.InvariantCulture), (string)value, StringComparison.OrdinalIgnoreCase));
            return op switch
            {
                "eq" => Equal,
                "ne" => row => !Equal(row),
                // Dates are ISO strings of one format, so ordinal order is time order.
                "gt" => row => row[column] is string v && value is string x && string.CompareOrdinal(v, x) > 0,
                "ge" => row => row[column] is string v && value is string x && string.CompareOrdinal(v, x) >= 0,
                "lt" => row => row[column] is string v && value is string x && string.CompareOrdinal(v, x) < 0,
                _ => throw new FormatException($"Operator '{op}' is not supported by the test server."),
            };
        }
    }
}
