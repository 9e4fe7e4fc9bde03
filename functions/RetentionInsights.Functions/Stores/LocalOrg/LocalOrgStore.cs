using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Reading;
using RetentionInsights.Data.Records;
using RetentionInsights.Functions.Nightly;

namespace RetentionInsights.Functions.Stores.LocalOrg;

/// <summary>
/// The SQLite local org as a store (the default when no Dataverse URL is configured). A customer's load and stored state
/// are read on kept connections with their queries prepared (<see cref="PreparedConnection"/>), other reads on short-lived
/// pooled connections; writes are serialised because SQLite has one writer, and each change set is one transaction.
/// </summary>
public sealed class LocalOrgStore : IRetentionStore, IDisposable
{
    private const int MaxIdsPerQuery = 500;
    private static readonly LocalOrgReader Reader = new();
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate;
    private readonly OfferCatalogueCache _offers;

    public LocalOrgStore(string path, TimeProvider? time = null)
    {
        // Creating the schema on an empty path keeps a fresh install working (an empty org has nothing to score).
        using (LocalOrgDatabase.Open(path)) { }
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        Path = path;
        _writeGate = SqliteWriteGate.For(path);
        _offers = new OfferCatalogueCache(LoadOfferCatalogueAsync, time ?? TimeProvider.System);
    }

    public string Kind => "local-org";

    /// <summary>The "today" of a generated org (its generator.until), which scoring uses when no as-of date is set.</summary>
    public DateTime? GeneratedUntil
    {
        get
        {
            using var connection = OpenConnection();
            return LocalOrgDatabase.GetInfo(connection, "generator.until") is { } until ? StorageFormat.ParseDateTime(until) : null;
        }
    }

    public string Path { get; }

    /// <summary>Opens a pooled connection (for the service's own bookkeeping tables in the same file).</summary>
    public SqliteConnection OpenConnection() => SqliteWriteGate.Open(_connectionString);

    /// <summary>
    /// A connection with the customer and state queries prepared (<see cref="PreparedConnection"/>), rented for one load or
    /// state read and returned after it. Each is used by one caller at a time; as many exist as reads ran at once.
    /// </summary>
    private PreparedConnection RentReader() => _readers.TryPop(out var reader) ? reader : new PreparedConnection(OpenConnection());

    private void Return(PreparedConnection reader)
    {
        // A connection that failed mid-read may be in any state: it is closed rather than kept.
        if (reader.Connection.State == System.Data.ConnectionState.Open && !_disposed && _readers.Count < MaxIdleReaders)
            _readers.Push(reader);
        else
            reader.Dispose();
        if (_disposed)
            DisposeReaders();
    }

    /// <summary>Connections kept open for reads when idle; more than this many reads at once close their connections afterwards.</summary>
    private const int MaxIdleReaders = 32;

    private readonly System.Collections.Concurrent.ConcurrentStack<PreparedConnection> _readers = new();
    private volatile bool _disposed;

    private void DisposeReaders()
    {
        while (_readers.TryPop(out var reader))
            reader.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="read"/> in one read transaction on a rented connection: the queries of a load see one snapshot of
    /// the org (a customer's orders, cases and messages as of the same moment), and SQLite checks once, not per query, whether
    /// other writers changed the file (it then drops the connection's page cache, which every event's ledger writes otherwise
    /// caused before each query).
    /// </summary>
    private T Read<T>(Func<PreparedConnection, T> read)
    {
        var reader = RentReader();
        var ok = false;
        try
        {
            T result;
            using (reader.BeginRead())
                result = read(reader);
            ok = true;
            return result;
        }
        finally
        {
            if (ok)
                Return(reader);
            else
                reader.Dispose();
        }
    }

    public async Task<CustomerHistory?> LoadCustomerAsync(Guid contactId, CancellationToken cancellationToken) =>
        (await LoadCustomersAsync([contactId], cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<CustomerHistory>> LoadCustomersAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CustomerHistory>>(Read(connection =>
        {
            var result = new List<CustomerHistory>(contactIds.Count);
            foreach (var slice in contactIds.Chunk(MaxIdsPerQuery))
            {
                cancellationToken.ThrowIfCancellationRequested();
                result.AddRange(Reader.ReadCustomers(connection, slice));
            }
            return result;
        }));

    public Task<IReadOnlyList<OfferRecord>> LoadOfferCatalogueAsync(CancellationToken cancellationToken)
    {
        using var connection = OpenConnection();
        return Task.FromResult(Reader.ReadOffers(connection));
    }

    public Task<IReadOnlyList<Guid>> ListContactIdsAsync(bool activeOnly, CancellationToken cancellationToken)
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = activeOnly ? "SELECT contactid FROM contact WHERE statecode = 0 ORDER BY contactid" : "SELECT contactid FROM contact ORDER BY contactid";
        using var reader = command.ExecuteReader();
        var ids = new List<Guid>();
        while (reader.Read())
            ids.Add(reader.Guid(0));
        return Task.FromResult<IReadOnlyList<Guid>>(ids);
    }

    public Task<IReadOnlyList<CustomerListItem>> ListCustomersAsync(int top, CancellationToken cancellationToken)
    {
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT contactid, fullname, rtn_churnprobability, rtn_churnriskband FROM contact
            WHERE statecode = 0
            ORDER BY rtn_churnprobability IS NULL, rtn_churnprobability DESC, fullname, contactid
            LIMIT $top
            """;
        command.Parameters.AddWithValue("$top", top);
        using var reader = command.ExecuteReader();
        var list = new List<CustomerListItem>();
        while (reader.Read())
            list.Add(new CustomerListItem(reader.Guid(0), reader.Text(1) ?? string.Empty, reader.Double(2), reader.Int(3)));
        return Task.FromResult<IReadOnlyList<CustomerListItem>>(list);
    }

    public async Task<IReadOnlyList<ContactState>> ReadContactStatesAsync(IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken)
    {
        var offers = await _offers.GetAsync(cancellationToken);
        return Read(connection =>
        {
            var states = new List<ContactState>(contactIds.Count);
            foreach (var slice in contactIds.Chunk(MaxIdsPerQuery))
            {
                cancellationToken.ThrowIfCancellationRequested();
                states.AddRange(States(connection, slice, OwnRowsOf(connection, slice), offers));
            }
            return states;
        });
    }

    private static readonly OwnRows NoRows = new([], []);

    private static Dictionary<Guid, OwnRows> OwnRowsOf(PreparedConnection connection, IReadOnlyList<Guid> ids)
    {
        var (recommendations, alerts) = Reader.ReadRecommendationsAndAlerts(connection, ids);
        return recommendations.Select(g => g.Key).Union(alerts.Select(g => g.Key))
            .ToDictionary(id => id, id => new OwnRows(recommendations[id].ToList(), alerts[id].ToList()));
    }

    private static IEnumerable<ContactState> States(PreparedConnection connection, IReadOnlyList<Guid> ids, IReadOnlyDictionary<Guid, OwnRows> rows,
        IReadOnlyDictionary<Guid, OfferRecord> offers)
    {
        return ReadScores(connection, ids).Select(c => ContactState.From(c.Id, c.FullName, c.OptOut, c.Scores, rows.GetValueOrDefault(c.Id) ?? NoRows, offers));
    }

    /// <summary>The score columns as stored (the "before" that a rescore is compared with) of <paramref name="ids"/>, or of every contact.</summary>
    internal static List<(Guid Id, string FullName, bool OptOut, ContactScores Scores)> ReadScores(SqliteConnection connection, IReadOnlyList<Guid>? ids)
    {
        using var command = connection.CreateCommand();
        command.CommandText = ScoresSql(ids?.Count);
        if (ids is not null)
            SqliteRows.AddIds(command, ids, out _);
        return ReadScores(command, ids);
    }

    /// <summary><see cref="ReadScores(SqliteConnection, IReadOnlyList{Guid}?)"/> with the connection's prepared query.</summary>
    private static List<(Guid Id, string FullName, bool OptOut, ContactScores Scores)> ReadScores(PreparedConnection connection, IReadOnlyList<Guid> ids)
    {
        var command = connection.Command(ScoresSql(ids.Count));
        SqliteRows.AddIds(command, ids, out _);
        return ReadScores(command, ids);
    }

    /// <summary>The query of <see cref="ReadScores(SqliteConnection, IReadOnlyList{Guid}?)"/> for that many ids ($id0, $id1, …), or for every contact.</summary>
    private static string ScoresSql(int? ids) =>
        $"SELECT contactid, fullname, rtn_profilingoptout, {string.Join(", ", ContactScoreColumns.All)} FROM contact"
        + (ids is { } count ? $" WHERE contactid IN ({SqliteRows.IdList(count)})" : string.Empty);

    private static List<(Guid Id, string FullName, bool OptOut, ContactScores Scores)> ReadScores(SqliteCommand command, IReadOnlyList<Guid>? ids)
    {
        using var r = command.ExecuteReader();
        var rows = new List<(Guid, string, bool, ContactScores)>();
        while (r.Read())
        {
            rows.Add((r.Guid(0), r.Text(1) ?? string.Empty, r.Bool(2), new ContactScores(r.Guid(0), r.Double(3), r.Double(4), r.Int(5), r.Money(6),
                r.Money(7), r.Double(8), r.Int(9), r.Text(10), r.Int(11), r.Date(12), r.Text(13))
            {
                ValueIfRetained = r.Money(14),
                ChurnReasonCodes = r.Text(15),
                ChurnReasonDetails = r.Text(16),
                ChurnTrend = r.Int(17),
                PreviousRiskBand = r.Int(18),
                RiskBandChangedOn = r.Date(19),
                RetentionGroup = r.Int(20),
                RetentionGroupSince = r.Date(21),
                UpliftSegment = r.Int(22),
            }));
        }
        if (ids is null)
            return rows;
        var order = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        return rows.OrderBy(x => order[x.Item1]).ToList();
    }

    /// <summary>
    /// The score columns as <see cref="ReadScores(SqliteConnection, IReadOnlyList{Guid}?)"/> reads them once <paramref name="columns"/> (a
    /// change's contact columns) are written over <paramref name="before"/>: each value in the form it is stored and read back
    /// in. Null when a column is not a score column (the caller reads the contact back instead).
    /// </summary>
    internal static ContactScores? ScoresAfterWrite(ContactScores before, IReadOnlyDictionary<string, object?> columns)
    {
        var s = before;
        foreach (var (column, value) in columns)
        {
            var v = SqliteRows.Storage(value);
            s = column switch
            {
                Names.Contact.ChurnProbability => s with { ChurnProbability = SqliteRows.StoredDouble(v) },
                Names.Contact.PreviousChurnProbability => s with { PreviousChurnProbability = SqliteRows.StoredDouble(v) },
                Names.Contact.ChurnRiskBand => s with { ChurnRiskBand = SqliteRows.StoredInt(v) },
                Names.Contact.Clv12m => s with { Clv12m = SqliteRows.StoredMoney(v) },
                Names.Contact.Clv36m => s with { Clv36m = SqliteRows.StoredMoney(v) },
                Names.Contact.PAlive => s with { PAlive = SqliteRows.StoredDouble(v) },
                Names.Contact.ValueSegment => s with { ValueSegment = SqliteRows.StoredInt(v) },
                Names.Contact.ChurnReasons => s with { ChurnReasons = SqliteRows.StoredText(v) },
                Names.Contact.EarlyWarningLevel => s with { EarlyWarningLevel = SqliteRows.StoredInt(v) },
                Names.Contact.ScoredOn => s with { ScoredOn = SqliteRows.StoredDate(v) },
                Names.Contact.ModelVersion => s with { ModelVersion = SqliteRows.StoredText(v) },
                Names.Contact.ValueIfRetained => s with { ValueIfRetained = SqliteRows.StoredMoney(v) },
                Names.Contact.ChurnReasonCodes => s with { ChurnReasonCodes = SqliteRows.StoredText(v) },
                Names.Contact.ChurnReasonDetails => s with { ChurnReasonDetails = SqliteRows.StoredText(v) },
                Names.Contact.ChurnTrend => s with { ChurnTrend = SqliteRows.StoredInt(v) },
                Names.Contact.PreviousRiskBand => s with { PreviousRiskBand = SqliteRows.StoredInt(v) },
                Names.Contact.RiskBandChangedOn => s with { RiskBandChangedOn = SqliteRows.StoredDate(v) },
                Names.Contact.RetentionGroup => s with { RetentionGroup = SqliteRows.StoredInt(v) },
                Names.Contact.RetentionGroupSince => s with { RetentionGroupSince = SqliteRows.StoredDate(v) },
                Names.Contact.UpliftSegment => s with { UpliftSegment = SqliteRows.StoredInt(v) },
                _ => null,
            };
            if (s is null)
                return null;
        }
        return s;
    }

    public Task<RecommendationRecord?> FindRecommendationAsync(Guid contactId, Guid offerOrRecommendationId, CancellationToken cancellationToken)
    {
        var rows = Read(connection => Reader.ReadRecommendationsAndAlerts(connection, [contactId])).Recommendations[contactId].ToList();
        return Task.FromResult(rows.FirstOrDefault(r => r.Id == offerOrRecommendationId)
            ?? rows.Where(r => r.OfferId == offerOrRecommendationId).MaxBy(r => r.CreatedOn));
    }

    /// <summary>The score columns of <paramref name="ids"/> as stored, for the nightly snapshot's copy of a contact it holds no
    /// scores for.</summary>
    internal IReadOnlyList<(Guid Id, string FullName, bool OptOut, ContactScores Scores)> ReadStoredScores(IReadOnlyList<Guid> ids)
    {
        return Read(connection =>
        {
            var scores = new List<(Guid, string, bool, ContactScores)>(ids.Count);
            foreach (var slice in ids.Chunk(MaxIdsPerQuery))
                scores.AddRange(ReadScores(connection, slice));
            return (IReadOnlyList<(Guid, string, bool, ContactScores)>)scores;
        });
    }

    public Task<CustomerLink?> ReadCustomerOfRecordAsync(string table, Guid id, CancellationToken cancellationToken)
    {
        // Where the record keeps its customer comes from datamodel.json (customerLookup); a lookup without a type column
        // (rtn_contactid) can only point to a contact.
        if (DataModel.Current.FindTable(table) is not { } definition)
            return Task.FromResult<CustomerLink?>(null);
        var sql = table == Names.Contact.Table
            ? $"SELECT {definition.PrimaryId}, 'contact' FROM {table} WHERE {definition.PrimaryId} = $id"
            : definition.CustomerLookup is { } lookup
                ? $"SELECT {lookup}, {definition.Column(lookup).TypeColumnName ?? "'contact'"} FROM {table} WHERE {definition.PrimaryId} = $id"
                : null;
        if (sql is null)
            return Task.FromResult<CustomerLink?>(null);
        using var connection = OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", StorageFormat.Guid(id));
        using var reader = command.ExecuteReader();
        if (!reader.Read() || reader.IsDBNull(0))
            return Task.FromResult<CustomerLink?>(null);
        return Task.FromResult<CustomerLink?>(new CustomerLink(reader.Text(1) ?? "contact", reader.Guid(0)));
    }

    public Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken cancellationToken) =>
        ApplyAsync(changes, ownNight: null, DateTime.UtcNow, cancellationToken);

    /// <summary>
    /// Writes the changes in one transaction, stamped <paramref name="writtenAt"/>. With <paramref name="ownNight"/> (the nightly
    /// run, whose snapshot keeps what it writes) the change log records one entry per written contact, marked as that night's
    /// own, in the same transaction, instead of one per row written.
    /// </summary>
    public async Task<int> ApplyAsync(IReadOnlyList<ChangeSet> changes, Guid? ownNight, DateTime writtenAt, CancellationToken cancellationToken)
    {
        var pending = changes.Where(c => !c.IsEmpty).ToList();
        if (pending.Count == 0)
            return 0;
        return await WriteAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            if (ownNight is not null)
                LocalOrgChangeLog.BeginOwnWrites(connection, transaction);
            var writes = 0;
            using (var writer = new LocalOrgWriter(connection, transaction, writtenAt))
            {
                foreach (var change in pending)
                    writes += writer.Apply(change);
            }
            if (ownNight is { } night)
                LocalOrgChangeLog.EndOwnWrites(connection, transaction, night, pending.Select(c => c.ContactId));
            transaction.Commit();
            return writes;
        }, cancellationToken);
    }

    public Task<int> ApplyResponseAsync(ResponseUpdate response, CancellationToken cancellationToken)
    {
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                UPDATE {Names.OfferRecommendation.Table}
                SET {Names.OfferRecommendation.Status} = $status, rtn_respondedon = $on, rtn_channel = $channel
                WHERE {Names.OfferRecommendation.Id} = $id
                """;
            command.Parameters.AddWithValue("$status", response.Status);
            command.Parameters.AddWithValue("$on", StorageFormat.DateTime(response.RespondedOn));
            command.Parameters.AddWithValue("$channel", response.Channel);
            command.Parameters.AddWithValue("$id", StorageFormat.Guid(response.RecommendationId));
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<int> EraseContactAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var change = new ChangeSet(contactId) { EraseDerived = true };
        foreach (var column in ScoreColumns)
            change.ContactColumns[column] = null;
        return ApplyAsync([change], cancellationToken);
    }

    public Task<int> RemoveMessageDerivedDataAsync(DateTime createdBefore, CancellationToken cancellationToken)
    {
        return WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE rtn_retentionalert SET rtn_signals = NULL, rtn_sentiment = NULL
                WHERE createdon < $before AND (rtn_signals IS NOT NULL OR rtn_sentiment IS NOT NULL)
                """;
            command.Parameters.AddWithValue("$before", StorageFormat.DateTime(createdBefore));
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <summary>The score columns an erasure clears (the ones a rescore writes).</summary>
    internal static readonly string[] ScoreColumns =
    [
        Names.Contact.ChurnProbability, Names.Contact.PreviousChurnProbability, Names.Contact.ChurnRiskBand, Names.Contact.Clv12m,
        Names.Contact.Clv36m, Names.Contact.PAlive, Names.Contact.ValueSegment, Names.Contact.ChurnReasons, Names.Contact.EarlyWarningLevel,
        Names.Contact.ScoredOn, Names.Contact.ModelVersion,
    ];

    /// <summary>
    /// Page cache of the write connection (SQLite's unit: negative is KiB). A night writes a row or more for every contact,
    /// scattered over the contact table and the indexes of recommendations and alerts; with SQLite's default of 2 MB the
    /// statements fetched the same index pages from the file again and again (a first night at 400,000 contacts rescored in
    /// 67 s with it, 57 s with this cache). The cache fills only as pages are touched, and only this one connection has it.
    /// </summary>
    private const int WriterCacheKib = 256 * 1024;

    /// <summary>The store's write connection: opened by the first write, used only under the write gate.</summary>
    private SqliteConnection? _writer;

    /// <summary>
    /// Runs <paramref name="write"/> under the file's write gate on the store's one write connection (not pooled: its large
    /// page cache stays with the writer and warm from one write to the next, rather than moving to a pooled reader). A write
    /// that fails closes the connection, which may be in any state; the next write opens a new one. As no write opens a
    /// connection, no write starts the background checkpoint of <see cref="SqliteWriteGate"/>: in the service the event
    /// ledger's writes start it, and a nightly run empties the log when it ends.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, T> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer ??= OpenWriter();
            try
            {
                return write(_writer);
            }
            catch
            {
                _writer.Dispose();
                _writer = null;
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private SqliteConnection OpenWriter()
    {
        var connection = SqliteWriteGate.Open(new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString());
        LocalOrgDatabase.Execute(connection, $"PRAGMA cache_size=-{WriterCacheKib}");
        return connection;
    }

    /// <summary>Closes the kept read connections and the write connection (after any write in progress). The write gate is
    /// shared by every store of the file (<see cref="SqliteWriteGate"/>), so it outlives this one.</summary>
    public void Dispose()
    {
        _disposed = true;
        DisposeReaders();
        _writeGate.Wait();
        try
        {
            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
