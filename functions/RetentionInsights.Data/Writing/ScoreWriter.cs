using System.Globalization;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Data.Writing;

/// <summary>One proposed offer to store as an rtn_offerrecommendation row with status Proposed.</summary>
public sealed record OfferRecommendationWrite(Guid OfferId, string OfferName, int Rank, double AcceptanceProbability, decimal ExpectedValue, string Reason, int? Channel);

/// <summary>The scores of one contact plus its new top offers (empty = expire every open proposal).</summary>
public sealed record ContactScoreWrite(ContactScores Scores, IReadOnlyList<OfferRecommendationWrite> Offers);

public sealed record WriteOptions
{
    /// <summary>Contacts per transaction.</summary>
    public int BatchSize { get; init; } = 5_000;

    /// <summary>Write rtn_earlywarninglevel too. Off by default: the early-warning module owns that column.</summary>
    public bool WriteEarlyWarning { get; init; }

    /// <summary>Creation time of new recommendation rows.</summary>
    public DateTime Now { get; init; } = DateTime.UtcNow;
}

public sealed record WriteCounts(
    int ContactsChanged,
    int ContactsUnchanged,
    int RecommendationsInserted,
    int RecommendationsUpdated,
    int RecommendationsExpired,
    int RecommendationsUnchanged)
{
    public int RowsWritten => ContactsChanged + RecommendationsInserted + RecommendationsUpdated + RecommendationsExpired;
}

/// <summary>
/// Writes engine output to the local org only where something changed, like the service does against Dataverse (each write
/// there is an API call and fires plug-ins): a contact row is updated only when a score column differs at its stored
/// precision (then rtn_scoredon/rtn_modelversion move along and the old probability goes to rtn_previouschurnprobability);
/// recommendations are kept when the same offer stays in the top 3, updated when its rank or numbers change, inserted when
/// new, and set to Expired when they drop out of the top 3. All in batched transactions.
/// </summary>
public sealed class ScoreWriter
{
    private static readonly string[] ScoreColumns =
    [
        Names.Contact.ChurnProbability, Names.Contact.PreviousChurnProbability, Names.Contact.ChurnRiskBand, Names.Contact.Clv12m, Names.Contact.Clv36m,
        Names.Contact.PAlive, Names.Contact.ValueSegment, Names.Contact.ChurnReasons, Names.Contact.EarlyWarningLevel, Names.Contact.ScoredOn, Names.Contact.ModelVersion,
    ];

    private readonly SqliteConnection _connection;
    private readonly WriteOptions _options;

    public ScoreWriter(SqliteConnection connection, WriteOptions? options = null)
    {
        _connection = connection;
        _options = options ?? new WriteOptions();
        var contact = DataModel.Current.Table(Names.Contact.Table);
        foreach (var column in ScoreColumns)
            _ = contact.Column(column);
    }

    private sealed record Stored(double? Probability, int? Band, double? Clv12, double? Clv36, double? PAlive, int? Segment, string? Reasons, int? Warning);

    private sealed record StoredRecommendation(Guid Id, Guid OfferId, int Rank, double? Probability, double? Value, string? Reason);

    public WriteCounts Write(IEnumerable<ContactScoreWrite> writes)
    {
        int changed = 0, unchanged = 0, inserted = 0, updated = 0, expired = 0, kept = 0;
        foreach (var batch in writes.Chunk(_options.BatchSize))
        {
            using var tx = _connection.BeginTransaction();
            var stored = LoadStored(batch.Select(b => b.Scores.ContactId).ToArray(), tx);
            var proposals = LoadProposed(batch.Select(b => b.Scores.ContactId).ToArray(), tx);
            using var updateContact = PrepareContactUpdate(tx);
            using var insertRec = PrepareRecommendationInsert(tx);
            using var updateRec = PrepareRecommendationUpdate(tx);
            using var expireRec = PrepareExpire(tx);
            foreach (var write in batch)
            {
                var s = write.Scores;
                stored.TryGetValue(s.ContactId, out var old);
                if (old is not null && Same(old, s))
                {
                    unchanged++;
                }
                else if (old is not null)
                {
                    var previous = s.ChurnProbability is not null && old.Probability is { } p && Round4(p) != Round4(s.ChurnProbability.Value) ? p : (double?)null;
                    Bind(updateContact, "$id", StorageFormat.Guid(s.ContactId));
                    Bind(updateContact, "$p", s.ChurnProbability is { } cp ? Round4(cp) : null);
                    Bind(updateContact, "$prev", previous);
                    Bind(updateContact, "$keepPrev", previous is null && s.ChurnProbability is not null ? 1 : 0);
                    Bind(updateContact, "$band", s.ChurnRiskBand);
                    Bind(updateContact, "$c12", s.Clv12m is { } c12 ? Round2((double)c12) : null);
                    Bind(updateContact, "$c36", s.Clv36m is { } c36 ? Round2((double)c36) : null);
                    Bind(updateContact, "$alive", s.PAlive is { } a ? Round4(a) : null);
                    Bind(updateContact, "$seg", s.ValueSegment);
                    Bind(updateContact, "$reasons", s.ChurnReasons);
                    Bind(updateContact, "$warn", s.EarlyWarningLevel);
                    Bind(updateContact, "$writeWarn", _options.WriteEarlyWarning ? 1 : 0);
                    Bind(updateContact, "$on", s.ScoredOn is { } on ? StorageFormat.DateTime(on) : null);
                    Bind(updateContact, "$ver", s.ModelVersion);
                    updateContact.ExecuteNonQuery();
                    changed++;
                }

                var open = proposals.TryGetValue(s.ContactId, out var list) ? list : [];
                var wanted = write.Offers.ToDictionary(o => o.OfferId);
                foreach (var rec in open)
                {
                    if (!wanted.TryGetValue(rec.OfferId, out var offer))
                    {
                        Bind(expireRec, "$id", StorageFormat.Guid(rec.Id));
                        expireRec.ExecuteNonQuery();
                        expired++;
                        continue;
                    }
                    wanted.Remove(rec.OfferId);
                    if (rec.Rank == offer.Rank && rec.Probability is { } rp && Round4(rp) == Round4(offer.AcceptanceProbability)
                        && rec.Value is { } rv && Round2(rv) == Round2((double)offer.ExpectedValue) && rec.Reason == offer.Reason)
                    {
                        kept++;
                        continue;
                    }
                    Bind(updateRec, "$id", StorageFormat.Guid(rec.Id));
                    BindOffer(updateRec, offer, s.ModelVersion);
                    updateRec.ExecuteNonQuery();
                    updated++;
                }
                foreach (var offer in wanted.Values.OrderBy(o => o.Rank))
                {
                    Bind(insertRec, "$id", StorageFormat.Guid(Guid.NewGuid()));
                    Bind(insertRec, "$contact", StorageFormat.Guid(s.ContactId));
                    Bind(insertRec, "$offer", StorageFormat.Guid(offer.OfferId));
                    Bind(insertRec, "$name", offer.OfferName);
                    Bind(insertRec, "$created", StorageFormat.DateTime(_options.Now));
                    BindOffer(insertRec, offer, s.ModelVersion);
                    insertRec.ExecuteNonQuery();
                    inserted++;
                }
            }
            tx.Commit();
        }
        return new WriteCounts(changed, unchanged, inserted, updated, expired, kept);
    }

    private bool Same(Stored old, ContactScores s) =>
        Eq(old.Probability, s.ChurnProbability, 4) && old.Band == s.ChurnRiskBand && Eq(old.Clv12, (double?)s.Clv12m, 2) && Eq(old.Clv36, (double?)s.Clv36m, 2)
        && Eq(old.PAlive, s.PAlive, 4) && old.Segment == s.ValueSegment && old.Reasons == s.ChurnReasons
        && (!_options.WriteEarlyWarning || old.Warning == s.EarlyWarningLevel);

    private static bool Eq(double? a, double? b, int digits) =>
        a is null ? b is null : b is not null && Math.Round(a.Value, digits) == Math.Round(b.Value, digits);

    private static double Round4(double v) => Math.Round(v, 4);
    private static double Round2(double v) => Math.Round(v, 2);

    private Dictionary<Guid, Stored> LoadStored(Guid[] ids, SqliteTransaction tx)
    {
        var result = new Dictionary<Guid, Stored>(ids.Length);
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT {Names.Contact.Id}, {Names.Contact.ChurnProbability}, {Names.Contact.ChurnRiskBand}, {Names.Contact.Clv12m}, {Names.Contact.Clv36m}, " +
            $"{Names.Contact.PAlive}, {Names.Contact.ValueSegment}, {Names.Contact.ChurnReasons}, {Names.Contact.EarlyWarningLevel} FROM {Names.Contact.Table} " +
            $"WHERE {Names.Contact.Id} IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$ids", "[" + string.Join(",", ids.Select(i => "\"" + StorageFormat.Guid(i) + "\"")) + "]");
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            result[Guid.Parse(r.GetString(0))] = new Stored(D(r, 1), I(r, 2), D(r, 3), D(r, 4), D(r, 5), I(r, 6), r.IsDBNull(7) ? null : r.GetString(7), I(r, 8));
        }
        return result;
    }

    private Dictionary<Guid, List<StoredRecommendation>> LoadProposed(Guid[] ids, SqliteTransaction tx)
    {
        var result = new Dictionary<Guid, List<StoredRecommendation>>();
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"SELECT {Names.OfferRecommendation.Id}, {Names.OfferRecommendation.Contact}, {Names.OfferRecommendation.Offer}, rtn_rank, rtn_acceptanceprobability, rtn_expectedvalue, rtn_reason " +
            $"FROM {Names.OfferRecommendation.Table} WHERE {Names.OfferRecommendation.Status} = $proposed AND {Names.OfferRecommendation.Contact} IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$proposed", Names.Choices.RecommendationProposed);
        command.Parameters.AddWithValue("$ids", "[" + string.Join(",", ids.Select(i => "\"" + StorageFormat.Guid(i) + "\"")) + "]");
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            var contact = Guid.Parse(r.GetString(1));
            if (!result.TryGetValue(contact, out var list))
                result[contact] = list = [];
            list.Add(new StoredRecommendation(Guid.Parse(r.GetString(0)), r.IsDBNull(2) ? Guid.Empty : Guid.Parse(r.GetString(2)), r.IsDBNull(3) ? 0 : r.GetInt32(3), D(r, 4), D(r, 5), r.IsDBNull(6) ? null : r.GetString(6)));
        }
        return result;
    }

    private SqliteCommand PrepareContactUpdate(SqliteTransaction tx) => Prepare(tx,
        $"UPDATE {Names.Contact.Table} SET {Names.Contact.PreviousChurnProbability} = CASE WHEN $keepPrev = 1 THEN {Names.Contact.PreviousChurnProbability} ELSE $prev END, " +
        $"{Names.Contact.ChurnProbability} = $p, {Names.Contact.ChurnRiskBand} = $band, {Names.Contact.Clv12m} = $c12, {Names.Contact.Clv36m} = $c36, " +
        $"{Names.Contact.PAlive} = $alive, {Names.Contact.ValueSegment} = $seg, {Names.Contact.ChurnReasons} = $reasons, " +
        $"{Names.Contact.EarlyWarningLevel} = CASE WHEN $writeWarn = 1 THEN $warn ELSE {Names.Contact.EarlyWarningLevel} END, " +
        $"{Names.Contact.ScoredOn} = $on, {Names.Contact.ModelVersion} = $ver WHERE {Names.Contact.Id} = $id",
        "$id", "$p", "$prev", "$keepPrev", "$band", "$c12", "$c36", "$alive", "$seg", "$reasons", "$warn", "$writeWarn", "$on", "$ver");

    private SqliteCommand PrepareRecommendationInsert(SqliteTransaction tx) => Prepare(tx,
        $"INSERT INTO {Names.OfferRecommendation.Table} ({Names.OfferRecommendation.Id}, rtn_name, {Names.OfferRecommendation.Contact}, {Names.OfferRecommendation.Offer}, rtn_rank, " +
        $"rtn_acceptanceprobability, rtn_expectedvalue, rtn_reason, {Names.OfferRecommendation.Status}, rtn_channel, rtn_modelversion, createdon) " +
        "VALUES ($id, $name, $contact, $offer, $rank, $prob, $value, $reason, $status, $channel, $ver, $created)",
        "$id", "$name", "$contact", "$offer", "$rank", "$prob", "$value", "$reason", "$status", "$channel", "$ver", "$created");

    private SqliteCommand PrepareRecommendationUpdate(SqliteTransaction tx) => Prepare(tx,
        $"UPDATE {Names.OfferRecommendation.Table} SET rtn_rank = $rank, rtn_acceptanceprobability = $prob, rtn_expectedvalue = $value, rtn_reason = $reason, " +
        $"rtn_channel = $channel, rtn_modelversion = $ver, {Names.OfferRecommendation.Status} = $status WHERE {Names.OfferRecommendation.Id} = $id",
        "$id", "$rank", "$prob", "$value", "$reason", "$status", "$channel", "$ver");

    private SqliteCommand PrepareExpire(SqliteTransaction tx)
    {
        var command = Prepare(tx, $"UPDATE {Names.OfferRecommendation.Table} SET {Names.OfferRecommendation.Status} = $expired WHERE {Names.OfferRecommendation.Id} = $id", "$id", "$expired");
        Bind(command, "$expired", Names.Choices.RecommendationExpired);
        return command;
    }

    private static void BindOffer(SqliteCommand command, OfferRecommendationWrite offer, string? version)
    {
        Bind(command, "$rank", offer.Rank);
        Bind(command, "$prob", Round4(offer.AcceptanceProbability));
        Bind(command, "$value", Round2((double)offer.ExpectedValue));
        Bind(command, "$reason", offer.Reason);
        Bind(command, "$status", Names.Choices.RecommendationProposed);
        Bind(command, "$channel", offer.Channel);
        Bind(command, "$ver", version);
    }

    private SqliteCommand Prepare(SqliteTransaction tx, string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var p in parameters)
            command.Parameters.Add(new SqliteParameter(p, DBNull.Value));
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, string name, object? value) =>
        command.Parameters[name].Value = value switch
        {
            null => DBNull.Value,
            double d => d,
            IFormattable f when value is not int and not long => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value,
        };

    private static double? D(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
    private static int? I(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
}
