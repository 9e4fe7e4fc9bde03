using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Functions.Stores.LocalOrg;

/// <summary>
/// Applies <see cref="ChangeSet"/>s to the local org inside one transaction. Each statement is prepared once per writer and
/// reused for every change of the transaction: a night writes hundreds of thousands of rows, and preparing the same upsert
/// again for each of them cost more than executing it. Column names come from the change set, which only holds names from
/// <see cref="Names"/>; they are still checked against datamodel.json before they reach SQL. Every time the writer stores
/// (a contact's modifiedon, an alert's resolution) is <paramref name="writtenAt"/>, so a caller that keeps a copy of the rows
/// can tell exactly what was stored (<see cref="OwnRowsAfterWrite"/>).
/// </summary>
internal sealed class LocalOrgWriter(SqliteConnection connection, SqliteTransaction transaction, DateTime writtenAt) : IDisposable
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
            parameters.Add(("$modified", writtenAt));
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
                ("$id", id), ("$status", Names.Choices.AlertResolved), ("$on", writtenAt));
            writes++;
        }
        return writes;
    }

    /// <summary>
    /// The contact's recommendations and alerts as the org's reader reads them once <see cref="Apply"/> has written
    /// <paramref name="change"/> at <paramref name="writtenAt"/> over <paramref name="before"/>: each statement above replayed in
    /// the same order (an upsert keeps an answered offer and a resolved alert), each value in the form it is stored and read
    /// back in, the rows in the reader's order. The nightly snapshot keeps its copy of the rows with this instead of reading
    /// them back after every write. It is exact when <paramref name="before"/> is what the org held; a change someone else
    /// made in between (an agent's answer, a contact deleted) is in the change log, and the next night reads that contact again.
    /// </summary>
    public static OwnRows OwnRowsAfterWrite(OwnRows before, ChangeSet change, DateTime writtenAt)
    {
        var recommendations = before.Recommendations.ToList();
        var alerts = before.Alerts.ToList();

        foreach (var rec in change.CreateRecommendations)
        {
            var at = recommendations.FindIndex(r => r.Id == rec.Id);
            if (at < 0)
            {
                recommendations.Add(new RecommendationRecord(rec.Id, rec.ContactId, rec.OfferId, rec.Rank, rec.AcceptanceProbability,
                    StoredMoney(rec.ExpectedValue), rec.Reason, rec.Status, StoredDate(rec.CreatedOn), null, rec.Channel, rec.ModelVersion)
                { TalkingPoint = rec.TalkingPoint, ChurnReduction = rec.ChurnReduction });
            }
            else if (recommendations[at].RespondedOn is null)
                recommendations[at] = Revalued(recommendations[at], rec) with { Status = rec.Status };
        }
        foreach (var rec in change.UpdateRecommendations)
        {
            if (recommendations.FindIndex(r => r.Id == rec.Id) is var at and >= 0)
                recommendations[at] = Revalued(recommendations[at], rec);
        }
        foreach (var id in change.ExpireRecommendations)
        {
            if (recommendations.FindIndex(r => r.Id == id) is var at and >= 0)
                recommendations[at] = recommendations[at] with { Status = Names.Choices.RecommendationExpired };
        }
        if (change.CreateAlert is { } alert)
        {
            var at = alerts.FindIndex(a => a.Id == alert.Id);
            if (at < 0)
                alerts.Add(new AlertRecord(alert.Id, alert.ContactId, alert.Level, alert.Signals, alert.Sentiment, StoredDate(alert.DueBy),
                    alert.Status, null, StoredDate(alert.CreatedOn), null));
            else if (alerts[at].Status != Names.Choices.AlertResolved)
                alerts[at] = Reassessed(alerts[at], alert);
        }
        if (change.UpdateAlert is { } update && alerts.FindIndex(a => a.Id == update.Id) is var updated and >= 0)
            alerts[updated] = Reassessed(alerts[updated], update);
        if (change.EraseDerived)
        {
            recommendations.Clear();
            alerts.Clear();
        }
        foreach (var id in change.CloseAlerts)
        {
            if (alerts.FindIndex(a => a.Id == id) is var at and >= 0)
                alerts[at] = alerts[at] with { Status = Names.Choices.AlertResolved, ResolvedOn = StoredDate(writtenAt) };
        }
        return new OwnRows(
            recommendations.OrderBy(r => r.CreatedOn).ThenBy(r => r.Id).ToList(),
            alerts.OrderBy(a => a.CreatedOn).ThenBy(a => a.Id).ToList());
    }

    private static RecommendationRecord Revalued(RecommendationRecord stored, RecommendationRecord written) => stored with
    {
        Rank = written.Rank, AcceptanceProbability = written.AcceptanceProbability, ExpectedValue = StoredMoney(written.ExpectedValue),
        Reason = written.Reason, TalkingPoint = written.TalkingPoint, ChurnReduction = written.ChurnReduction,
        Channel = written.Channel, ModelVersion = written.ModelVersion,
    };

    private static AlertRecord Reassessed(AlertRecord stored, AlertRecord written) => stored with
    {
        Level = written.Level, Signals = written.Signals, Sentiment = written.Sentiment, DueBy = StoredDate(written.DueBy),
    };

    // A value as the org's reader reads it back: money is a REAL read back as a decimal, a time is stored to the second in UTC.
    private static decimal? StoredMoney(decimal? value) => value is { } m ? (decimal)(double)m : null;

    private static DateTime StoredDate(DateTime value) => SqliteRows.StoredDate(SqliteRows.Storage(value))!.Value;

    private static DateTime? StoredDate(DateTime? value) => value is { } d ? StoredDate(d) : null;

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
