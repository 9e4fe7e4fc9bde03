using Microsoft.Data.Sqlite;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

/// <summary>
/// A data producer for early-warning tests: a fresh local org in a temp file and helpers that write valid contact, contract,
/// email, phone call and case rows (every required column, storage formats of the local org).
/// </summary>
public sealed class LocalOrgProducer : IDisposable
{
    private readonly string _directory;

    public LocalOrgProducer()
    {
        _directory = Path.Combine(Path.GetTempPath(), "rtn-ew-tests-" + Guid.NewGuid().ToString("N"));
        DbPath = Path.Combine(_directory, "org.db");
        Connection = LocalOrgDatabase.Open(DbPath);
    }

    public string DbPath { get; }
    public SqliteConnection Connection { get; }

    public Guid Contact(DateTime createdOn, bool active = true, DateTime? contractEnd = null)
    {
        var id = Guid.NewGuid();
        Insert("contact", new()
        {
            ["contactid"] = StorageFormat.Guid(id), ["fullname"] = "Test Klant", ["lastname"] = "Klant",
            ["createdon"] = StorageFormat.DateTime(createdOn), ["statecode"] = active ? 0 : 1, ["statuscode"] = active ? 1 : 2,
            ["donotemail"] = 0, ["donotphone"] = 0, ["donotbulkemail"] = 0,
        });
        Insert("salesorder", new()
        {
            ["salesorderid"] = StorageFormat.Guid(Guid.NewGuid()), ["name"] = "Stroom en gas", ["customerid"] = StorageFormat.Guid(id),
            ["customeridtype"] = "contact", ["datefulfilled"] = StorageFormat.DateTime(createdOn),
            ["rtn_contractend"] = contractEnd is { } end ? StorageFormat.Date(end) : null, ["createdon"] = StorageFormat.DateTime(createdOn),
            ["statecode"] = 0, ["statuscode"] = 1,
        });
        return id;
    }

    public Guid Email(Guid contact, DateTime on, string subject, string body, bool outgoing = false) =>
        Activity("email", contact, on, subject, body, outgoing);

    public Guid Call(Guid contact, DateTime on, string notes) => Activity("phonecall", contact, on, "Telefoon", notes, outgoing: false);

    public Guid Case(Guid contact, DateTime on, string title, int caseType = 2)
    {
        var id = Guid.NewGuid();
        Insert("incident", new()
        {
            ["incidentid"] = StorageFormat.Guid(id), ["title"] = title, ["customerid"] = StorageFormat.Guid(contact), ["customeridtype"] = "contact",
            ["casetypecode"] = caseType, ["createdon"] = StorageFormat.DateTime(on), ["modifiedon"] = StorageFormat.DateTime(on),
            ["statecode"] = 0, ["statuscode"] = 1,
        });
        return id;
    }

    private Guid Activity(string table, Guid contact, DateTime on, string subject, string body, bool outgoing)
    {
        var id = Guid.NewGuid();
        Insert(table, new()
        {
            ["activityid"] = StorageFormat.Guid(id), ["subject"] = subject, ["description"] = body, ["directioncode"] = outgoing ? 1 : 0,
            ["regardingobjectid"] = StorageFormat.Guid(contact), ["regardingobjectidtype"] = "contact",
            ["actualend"] = StorageFormat.DateTime(on), ["createdon"] = StorageFormat.DateTime(on), ["statecode"] = 1,
        });
        return id;
    }

    private void Insert(string table, Dictionary<string, object?> values)
    {
        using var writer = new TableWriter(Connection, DataModel.Current.Table(table));
        var row = writer.NewRow();
        foreach (var (column, value) in values)
            row[writer.Index(column)] = value;
        writer.Insert(row);
    }

    public void Dispose()
    {
        Connection.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
