using System.Globalization;
using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Data.Records;

namespace RetentionInsights.Data.Alerts;

/// <summary>Inbound messages and cases of one contact in a look-back window: what an early-warning scan reads.</summary>
public sealed record ContactCommunicationRows(Guid ContactId, IReadOnlyList<ActivityRecord> Activities, IReadOnlyList<CaseRecord> Cases);

/// <summary>When a contact became and stopped being a customer (churn date as in <see cref="CustomerHistory.ChurnedOn"/>).</summary>
public sealed record ContactLifecycle(Guid ContactId, DateTime CreatedOn, bool Active, DateTime? ChurnedOn)
{
    public bool IsCustomerAt(DateTime asOf) => CreatedOn <= asOf && (ChurnedOn is null || ChurnedOn > asOf);
}

/// <summary>
/// A new alert to store under the caller's <paramref name="Id"/>: the scoring service and a scan name the alert a contact opens
/// on a day the same way, so a scan beside the service adds no second row. The store assigns name and status Open.
/// </summary>
public sealed record NewAlert(Guid Id, Guid ContactId, int Level, string Signals, double? Sentiment, DateTime DueBy, DateTime CreatedOn);

public enum AlertWriteOutcome
{
    Created,
    /// <summary>An open alert of a lower level existed; it was raised to the new level with the new signals.</summary>
    Escalated,
    /// <summary>An open alert at the same or a higher level existed; nothing written (no duplicates while one is open).</summary>
    AlreadyOpen,
    /// <summary>The alert of this id exists and was resolved by an agent; nothing written (the agent's verdict is kept).</summary>
    AlreadyResolved,
}

/// <summary>
/// rtn_retentionalert on the local org (SQLite): read what a scan needs, write alerts without duplicating an open one, record
/// agent feedback and read alerts back for KPIs. Column names are the Dataverse logical names from datamodel.json.
/// </summary>
public sealed class AlertStore
{
    /// <summary>Logical names used here beyond <see cref="Names"/>; a test checks each against datamodel.json.</summary>
    public static class Columns
    {
        public const string Name = "rtn_name";
        public const string Level = "rtn_level";
        public const string Signals = "rtn_signals";
        public const string Sentiment = "rtn_sentiment";
        public const string DueBy = "rtn_dueby";
        public const string Status = "rtn_status";
        public const string Feedback = "rtn_feedback";
        public const string ResolvedOn = "rtn_resolvedon";
        public const string CreatedOn = "createdon";
    }

    private readonly SqliteConnection _connection;

    public AlertStore(SqliteConnection connection) => _connection = connection ?? throw new ArgumentNullException(nameof(connection));

    /// <summary>
    /// Inbound emails and phone calls regarding a contact, and cases of contacts, created in (<paramref name="from"/>,
    /// <paramref name="asOf"/>], grouped per contact. Outgoing activities are left out: our own words are not a signal.
    /// </summary>
    public IReadOnlyList<ContactCommunicationRows> LoadCommunication(DateTime from, DateTime asOf)
    {
        var activities = new Dictionary<Guid, List<ActivityRecord>>();
        var cases = new Dictionary<Guid, List<CaseRecord>>();
        var fromText = StorageFormat.DateTime(from);
        var toText = StorageFormat.DateTime(asOf);
        foreach (var (table, kind) in new[] { ("email", ActivityKind.Email), ("phonecall", ActivityKind.PhoneCall) })
        {
            var duration = kind == ActivityKind.PhoneCall ? "actualdurationminutes" : "NULL";
            using var command = _connection.CreateCommand();
            command.CommandText =
                $"SELECT activityid, regardingobjectid, subject, description, createdon, {duration} FROM {table} " +
                "WHERE regardingobjectidtype = 'contact' AND directioncode = 0 AND createdon > $from AND createdon <= $to";
            command.Parameters.AddWithValue("$from", fromText);
            command.Parameters.AddWithValue("$to", toText);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var contact = Guid.Parse(reader.GetString(1));
                var record = new ActivityRecord(Guid.Parse(reader.GetString(0)), contact, kind, false,
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    StorageFormat.ParseDateTime(reader.GetString(4)), reader.IsDBNull(5) ? null : reader.GetInt32(5));
                Add(activities, contact, record);
            }
        }
        using (var command = _connection.CreateCommand())
        {
            command.CommandText =
                "SELECT incidentid, customerid, title, description, casetypecode, prioritycode, caseorigincode, customersatisfactioncode, " +
                "parentcaseid, createdon, modifiedon, statecode FROM incident " +
                "WHERE customeridtype = 'contact' AND createdon > $from AND createdon <= $to";
            command.Parameters.AddWithValue("$from", fromText);
            command.Parameters.AddWithValue("$to", toText);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var contact = Guid.Parse(reader.GetString(1));
                var state = reader.GetInt32(11);
                var record = new CaseRecord(Guid.Parse(reader.GetString(0)), contact, reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? 0 : reader.GetInt32(4),
                    NullableInt(reader, 5), NullableInt(reader, 6), NullableInt(reader, 7),
                    reader.IsDBNull(8) ? null : Guid.Parse(reader.GetString(8)), StorageFormat.ParseDateTime(reader.GetString(9)),
                    state == Names.Standard.IncidentResolved && !reader.IsDBNull(10) ? StorageFormat.ParseDateTime(reader.GetString(10)) : null,
                    state);
                Add(cases, contact, record);
            }
        }
        return activities.Keys.Union(cases.Keys).Order()
            .Select(id => new ContactCommunicationRows(id,
                activities.TryGetValue(id, out var a) ? a.OrderBy(x => x.On).ToList() : [],
                cases.TryGetValue(id, out var c) ? c.OrderBy(x => x.CreatedOn).ToList() : []))
            .ToList();
    }

    /// <summary>Every contact with its creation time and churn date (inactive contacts: the latest end of their contracts).</summary>
    public IReadOnlyDictionary<Guid, ContactLifecycle> LoadLifecycles()
    {
        var result = new Dictionary<Guid, ContactLifecycle>();
        using var command = _connection.CreateCommand();
        command.CommandText =
            "SELECT c.contactid, c.createdon, c.statecode, " +
            "(SELECT MAX(COALESCE(o.rtn_cancelledon, o.rtn_contractend)) FROM salesorder o " +
            " WHERE o.customerid = c.contactid AND o.customeridtype = 'contact') FROM contact c";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var active = reader.GetInt32(2) == Names.Standard.ContactActive;
            DateTime? churned = !active && !reader.IsDBNull(3) ? StorageFormat.ParseDateTime(reader.GetString(3)) : null;
            var id = Guid.Parse(reader.GetString(0));
            result[id] = new ContactLifecycle(id, StorageFormat.ParseDateTime(reader.GetString(1)), active, churned);
        }
        return result;
    }

    /// <summary>The open (Open or In progress) alert of each contact that has one.</summary>
    public IReadOnlyDictionary<Guid, AlertRecord> OpenAlerts(SqliteTransaction? transaction = null)
    {
        var open = new Dictionary<Guid, AlertRecord>();
        foreach (var alert in Query(transaction, $"WHERE {Columns.Status} <> $resolved", ("$resolved", Names.Choices.AlertResolved)))
        {
            // Should two open alerts ever exist (e.g. imported data), the most severe one is the one to act on.
            if (!open.TryGetValue(alert.ContactId, out var existing) || alert.Level > existing.Level)
                open[alert.ContactId] = alert;
        }
        return open;
    }

    public IReadOnlyList<AlertRecord> All() => Query(null, string.Empty);

    public AlertRecord? Find(Guid alertId) =>
        Query(null, $"WHERE {Names.RetentionAlert.Id} = $id", ("$id", StorageFormat.Guid(alertId))).FirstOrDefault();

    /// <summary>
    /// Writes <paramref name="alert"/> unless the contact already has an open alert: then a higher level escalates that alert
    /// (level, signals, sentiment and due-by replaced) and anything else leaves it untouched. The contact's
    /// rtn_earlywarninglevel follows the stored level. Pass <paramref name="openAlerts"/> from <see cref="OpenAlerts"/> when
    /// writing many alerts; it is kept up to date.
    /// </summary>
    public (AlertWriteOutcome Outcome, Guid AlertId) Raise(NewAlert alert, Dictionary<Guid, AlertRecord>? openAlerts = null, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var signals = AlertRule.FitSignals(alert.Signals);
        var existing = openAlerts is not null
            ? openAlerts.GetValueOrDefault(alert.ContactId)
            : Query(transaction, $"WHERE {Names.RetentionAlert.Contact} = $c AND {Columns.Status} <> $resolved",
                ("$c", StorageFormat.Guid(alert.ContactId)), ("$resolved", Names.Choices.AlertResolved)).MaxBy(a => a.Level);
        // A row of this id that is not open is an alert the agent already resolved today: the verdict stands until tomorrow.
        if (existing is null && Query(transaction, $"WHERE {Names.RetentionAlert.Id} = $id", ("$id", StorageFormat.Guid(alert.Id))).Count > 0)
            return (AlertWriteOutcome.AlreadyResolved, alert.Id);
        if (AlertRule.Decide(existing, alert.Level) == AlertDecision.Leave)
            return (AlertWriteOutcome.AlreadyOpen, existing!.Id);

        Guid id;
        AlertWriteOutcome outcome;
        if (existing is not null)
        {
            id = existing.Id;
            outcome = AlertWriteOutcome.Escalated;
            Execute(transaction,
                $"UPDATE {Names.RetentionAlert.Table} SET {Columns.Level} = $level, {Columns.Signals} = $signals, {Columns.Sentiment} = $sentiment, " +
                $"{Columns.DueBy} = $due WHERE {Names.RetentionAlert.Id} = $id",
                ("$level", alert.Level), ("$signals", signals), ("$sentiment", Round(alert.Sentiment)), ("$due", StorageFormat.DateTime(alert.DueBy)),
                ("$id", StorageFormat.Guid(id)));
            openAlerts?.Remove(alert.ContactId);
            openAlerts?.Add(alert.ContactId, existing with { Level = alert.Level, Signals = signals, Sentiment = alert.Sentiment, DueBy = alert.DueBy });
        }
        else
        {
            id = alert.Id;
            outcome = AlertWriteOutcome.Created;
            Execute(transaction,
                $"INSERT INTO {Names.RetentionAlert.Table} ({Names.RetentionAlert.Id}, {Columns.Name}, {Names.RetentionAlert.Contact}, {Columns.Level}, " +
                $"{Columns.Signals}, {Columns.Sentiment}, {Columns.DueBy}, {Columns.Status}, {Columns.Feedback}, {Columns.ResolvedOn}, {Columns.CreatedOn}) " +
                "VALUES ($id, $name, $contact, $level, $signals, $sentiment, $due, $status, NULL, NULL, $created)",
                ("$id", StorageFormat.Guid(id)), ("$name", AlertName(alert)), ("$contact", StorageFormat.Guid(alert.ContactId)),
                ("$level", alert.Level), ("$signals", signals), ("$sentiment", Round(alert.Sentiment)),
                ("$due", StorageFormat.DateTime(alert.DueBy)), ("$status", Names.Choices.AlertOpen),
                ("$created", StorageFormat.DateTime(alert.CreatedOn)));
            openAlerts?.Add(alert.ContactId, new AlertRecord(id, alert.ContactId, alert.Level, signals, alert.Sentiment, alert.DueBy,
                Names.Choices.AlertOpen, null, alert.CreatedOn, null));
        }
        Execute(transaction, $"UPDATE {Names.Contact.Table} SET {Names.Contact.EarlyWarningLevel} = $level WHERE {Names.Contact.Id} = $contact",
            ("$level", alert.Level), ("$contact", StorageFormat.Guid(alert.ContactId)));
        return (outcome, id);
    }

    /// <summary>Raises many alerts in one transaction (one scan), honouring open alerts; returns the outcome per alert.</summary>
    public IReadOnlyList<(NewAlert Alert, AlertWriteOutcome Outcome, Guid AlertId)> RaiseAll(IEnumerable<NewAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        // Read and write in one immediate transaction: the scoring service writing alerts of the same org waits for it.
        using var transaction = _connection.BeginTransaction(deferred: false);
        var open = new Dictionary<Guid, AlertRecord>(OpenAlerts(transaction));
        var outcomes = new List<(NewAlert, AlertWriteOutcome, Guid)>();
        foreach (var alert in alerts)
        {
            var (outcome, id) = Raise(alert, open, transaction);
            outcomes.Add((alert, outcome, id));
        }
        transaction.Commit();
        return outcomes;
    }

    /// <summary>End of the history a generated org covers ("generator.until"), if the org records it.</summary>
    public DateTime? ObservedUntil() =>
        LocalOrgDatabase.GetInfo(_connection, "generator.until") is { } until ? StorageFormat.ParseDateTime(until) : null;

    /// <summary>
    /// Records the agent's verdict (<see cref="Names.Choices.FeedbackValid"/> or <see cref="Names.Choices.FeedbackFalseAlarm"/>)
    /// and resolves the alert at <paramref name="at"/>; the contact's level returns to None. Returns false when no such alert exists.
    /// </summary>
    public bool RecordFeedback(Guid alertId, int feedback, DateTime at)
    {
        if (feedback != Names.Choices.FeedbackValid && feedback != Names.Choices.FeedbackFalseAlarm)
            throw new ArgumentOutOfRangeException(nameof(feedback), feedback, "Feedback must be Valid (471500000) or FalseAlarm (471500001).");
        var alert = Find(alertId);
        if (alert is null)
            return false;
        if (at < alert.CreatedOn)
            throw new ArgumentException($"Feedback time {at:yyyy-MM-dd HH:mm} lies before the alert was raised ({alert.CreatedOn:yyyy-MM-dd HH:mm}).", nameof(at));
        using var transaction = _connection.BeginTransaction();
        Execute(transaction,
            $"UPDATE {Names.RetentionAlert.Table} SET {Columns.Feedback} = $feedback, {Columns.Status} = $resolved, " +
            $"{Columns.ResolvedOn} = COALESCE({Columns.ResolvedOn}, $at) WHERE {Names.RetentionAlert.Id} = $id",
            ("$feedback", feedback), ("$resolved", Names.Choices.AlertResolved), ("$at", StorageFormat.DateTime(at)), ("$id", StorageFormat.Guid(alertId)));
        // Feedback on an alert resolved earlier must not clear the level a newer open alert set.
        if (alert.Status != Names.Choices.AlertResolved)
        {
            Execute(transaction, $"UPDATE {Names.Contact.Table} SET {Names.Contact.EarlyWarningLevel} = $none WHERE {Names.Contact.Id} = $contact",
                ("$none", Names.Choices.WarningNone), ("$contact", StorageFormat.Guid(alert.ContactId)));
        }
        transaction.Commit();
        return true;
    }

    private static string AlertName(NewAlert alert)
    {
        var level = DataModel.Current.ChoiceSet("rtn_earlywarninglevel").Options.FirstOrDefault(o => o.Value == alert.Level)?.Label ?? "Alert";
        return $"{level} early warning {alert.CreatedOn:yyyy-MM-dd}";
    }

    private List<AlertRecord> Query(SqliteTransaction? transaction, string where, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            $"SELECT {Names.RetentionAlert.Id}, {Names.RetentionAlert.Contact}, {Columns.Level}, {Columns.Signals}, {Columns.Sentiment}, " +
            $"{Columns.DueBy}, {Columns.Status}, {Columns.Feedback}, {Columns.CreatedOn}, {Columns.ResolvedOn} FROM {Names.RetentionAlert.Table} {where} " +
            $"ORDER BY {Columns.CreatedOn}, {Names.RetentionAlert.Id}";
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        using var reader = command.ExecuteReader();
        var alerts = new List<AlertRecord>();
        while (reader.Read())
        {
            alerts.Add(new AlertRecord(
                Guid.Parse(reader.GetString(0)),
                Guid.Parse(reader.GetString(1)),
                reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.IsDBNull(5) ? null : StorageFormat.ParseDateTime(reader.GetString(5)),
                reader.GetInt32(6),
                NullableInt(reader, 7),
                StorageFormat.ParseDateTime(reader.GetString(8)),
                reader.IsDBNull(9) ? null : StorageFormat.ParseDateTime(reader.GetString(9))));
        }
        return alerts;
    }

    private void Execute(SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(Math.Clamp(v, -1, 1), 3) : null;

    private static int? NullableInt(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Convert.ToInt32(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static void Add<T>(Dictionary<Guid, List<T>> map, Guid key, T value)
    {
        if (!map.TryGetValue(key, out var list))
            map[key] = list = [];
        list.Add(value);
    }
}
