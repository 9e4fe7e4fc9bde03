using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Stores.LocalOrg;

/// <summary>
/// Applies <see cref="ChangeSet"/>s to the local org inside one transaction. Each statement is prepared once per writer and
/// reused for every change of the transaction: a night writes hundreds of thousands of rows, and preparing the same upsert
/// again for each of them cost more than executing it. Column names come from the change set, which only holds names from
/// <see cref="Names"/>; they are still checked against datamodel.json before they reach SQL.
/// </summary>
internal sealed class LocalOrgWriter(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
{
    private static readonly TableDefinition ContactTable = DataModel.Current.Table(Names.Contact.Table);
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    public void Dispose()
    {
        foreach (var command in _prepared.Values)
            command.Dispose();
        _prepared.Clear();
    }

    public int Apply(ChangeSet change)
    {
        var writes = 0;
        if (change.ContactColumns.Count > 0)
        {
            var sets = new List<string>();
            var parameters = new List<(string, object?)>();
            foreach (var (column, value) in change.ContactColumns)
            {
                ContactTable.Column(column);
                sets.Add($"{column} = $v{parameters.Count}");
                parameters.Add(("$v" + parameters.Count, value));
            }
            sets.Add("modifiedon = $modified");
            parameters.Add(("$modified", DateTime.UtcNow));
            parameters.Add(("$id", change.ContactId));
            Execute($"UPDATE contact SET {string.Join(", ", sets)} WHERE contactid = $id", [.. parameters]);
            writes++;
        }

        // New rows only for a contact that still exists: a contact deleted (and erased) while a batch scored it from a
        // snapshot or an earlier read gets nothing derived from it back.
        foreach (var rec in change.CreateRecommendations)
        {
            Execute("""
                INSERT INTO rtn_offerrecommendation (rtn_offerrecommendationid, rtn_name, rtn_contactid, rtn_offerid, rtn_rank,
                    rtn_acceptanceprobability, rtn_expectedvalue, rtn_reason, rtn_talkingpoint, rtn_churnreduction, rtn_status, rtn_respondedon, rtn_channel, rtn_modelversion, createdon)
                SELECT $id, $name, $contact, $offer, $rank, $p, $ev, $reason, $talk, $cut, $status, NULL, $channel, $model, $created
                WHERE EXISTS (SELECT 1 FROM contact WHERE contactid = $contact)
                ON CONFLICT (rtn_offerrecommendationid) DO UPDATE SET rtn_name = excluded.rtn_name, rtn_rank = excluded.rtn_rank,
                    rtn_acceptanceprobability = excluded.rtn_acceptanceprobability, rtn_expectedvalue = excluded.rtn_expectedvalue,
                    rtn_reason = excluded.rtn_reason, rtn_talkingpoint = excluded.rtn_talkingpoint, rtn_churnreduction = excluded.rtn_churnreduction, rtn_status = excluded.rtn_status,
                    rtn_channel = excluded.rtn_channel, rtn_modelversion = excluded.rtn_modelversion
                WHERE rtn_respondedon IS NULL
                """, ("$id", rec.Id), ("$name", $"Offer {rec.Rank}"), ("$contact", rec.ContactId), ("$offer", rec.OfferId), ("$rank", rec.Rank),
                ("$p", rec.AcceptanceProbability), ("$ev", rec.ExpectedValue), ("$reason", rec.Reason), ("$talk", rec.TalkingPoint), ("$cut", rec.ChurnReduction), ("$status", rec.Status),
                ("$channel", rec.Channel), ("$model", rec.ModelVersion), ("$created", rec.CreatedOn));
            writes++;
        }

        foreach (var rec in change.UpdateRecommendations)
        {
            Execute("""
                UPDATE rtn_offerrecommendation SET rtn_rank = $rank, rtn_acceptanceprobability = $p, rtn_expectedvalue = $ev,
                    rtn_reason = $reason, rtn_talkingpoint = $talk, rtn_churnreduction = $cut, rtn_channel = $channel, rtn_modelversion = $model
                WHERE rtn_offerrecommendationid = $id
                """, ("$id", rec.Id), ("$rank", rec.Rank), ("$p", rec.AcceptanceProbability), ("$ev", rec.ExpectedValue),
                ("$reason", rec.Reason), ("$talk", rec.TalkingPoint), ("$cut", rec.ChurnReduction), ("$channel", rec.Channel), ("$model", rec.ModelVersion));
            writes++;
        }

        foreach (var id in change.ExpireRecommendations)
        {
            Execute("UPDATE rtn_offerrecommendation SET rtn_status = $status WHERE rtn_offerrecommendationid = $id",
                ("$id", id), ("$status", Names.Choices.RecommendationExpired));
            writes++;
        }

        if (change.CreateAlert is { } alert)
        {
            // A second writer of the same day's alert (same name-based id) updates the open row; a row an agent already
            // resolved keeps its status, feedback and resolution date.
            Execute("""
                INSERT INTO rtn_retentionalert (rtn_retentionalertid, rtn_name, rtn_contactid, rtn_level, rtn_signals, rtn_sentiment, rtn_dueby,
                    rtn_status, rtn_feedback, rtn_resolvedon, createdon)
                SELECT $id, $name, $contact, $level, $signals, $sentiment, $due, $status, NULL, NULL, $created
                WHERE EXISTS (SELECT 1 FROM contact WHERE contactid = $contact)
                ON CONFLICT (rtn_retentionalertid) DO UPDATE SET rtn_level = excluded.rtn_level, rtn_signals = excluded.rtn_signals,
                    rtn_sentiment = excluded.rtn_sentiment, rtn_dueby = excluded.rtn_dueby
                WHERE rtn_retentionalert.rtn_status <> $resolved
                """, ("$id", alert.Id), ("$name", "Retention alert"), ("$contact", alert.ContactId), ("$level", alert.Level),
                ("$signals", alert.Signals), ("$sentiment", alert.Sentiment), ("$due", alert.DueBy), ("$status", alert.Status),
                ("$created", alert.CreatedOn), ("$resolved", Names.Choices.AlertResolved));
            writes++;
        }

        if (change.UpdateAlert is { } update)
        {
            Execute("""
                UPDATE rtn_retentionalert SET rtn_level = $level, rtn_signals = $signals, rtn_sentiment = $sentiment, rtn_dueby = $due
                WHERE rtn_retentionalertid = $id
                """, ("$id", update.Id), ("$level", update.Level), ("$signals", update.Signals), ("$sentiment", update.Sentiment),
                ("$due", update.DueBy));
            writes++;
        }
        if (change.EraseDerived)
        {
            // Every row, whatever its status: answered offers and resolved alerts were profiling output as well.
            writes += Execute("DELETE FROM rtn_offerrecommendation WHERE rtn_contactid = $contact", ("$contact", change.ContactId));
            writes += Execute("DELETE FROM rtn_retentionalert WHERE rtn_contactid = $contact", ("$contact", change.ContactId));
        }

        foreach (var id in change.CloseAlerts)
        {
            Execute("UPDATE rtn_retentionalert SET rtn_status = $status, rtn_resolvedon = $on WHERE rtn_retentionalertid = $id",
                ("$id", id), ("$status", Names.Choices.AlertResolved), ("$on", DateTime.UtcNow));
            writes++;
        }
        return writes;
    }

    private int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            _prepared[sql] = command;
        }
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, SqliteRows.Storage(value));
        return command.ExecuteNonQuery();
    }
}
