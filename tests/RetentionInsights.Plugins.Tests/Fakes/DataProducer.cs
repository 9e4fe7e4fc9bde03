using Microsoft.Xrm.Sdk;
using RetentionInsights.Data.Metadata;

namespace RetentionInsights.Plugins.Tests.Fakes;

/// <summary>
/// Makes valid rows (as Dataverse would hold them) in the fake organization service. Every column it writes must
/// exist in datamodel.json, so a fixture cannot drift from the real schema; account is the one standard table the
/// product model does not describe.
/// </summary>
public sealed class DataProducer(FakeOrganizationService service)
{
    private static readonly DataModel Model = DataModel.Current;
    private int _sequence;

    public Entity Contact(bool optedOut = false)
    {
        var n = Interlocked.Increment(ref _sequence);
        return Store(Row(Names.Contact.Table, Guid.NewGuid(),
            ("firstname", "Sanne"), ("lastname", $"de Vries {n}"), ("fullname", $"Sanne de Vries {n}"),
            ("emailaddress1", $"sanne{n}@example.nl"), ("donotemail", false), ("donotphone", false),
            ("rtn_profilingoptout", optedOut), ("statecode", new OptionSetValue(Names.Standard.ContactActive))));
    }

    public Entity Account(Entity? primaryContact)
    {
        var account = new Entity("account", Guid.NewGuid());
        account["name"] = "Bakkerij Jansen BV";
        account["primarycontactid"] = primaryContact?.ToEntityReference();
        return Store(account);
    }

    public Entity Incident(Entity customer, int caseType = Names.Standard.CaseTypeProblem)
    {
        return Store(Row("incident", Guid.NewGuid(),
            ("title", "Factuur klopt niet"), ("description", "Mijn voorschot is verdubbeld zonder uitleg."),
            ("customerid", customer.ToEntityReference()), ("casetypecode", new OptionSetValue(caseType)),
            ("statecode", new OptionSetValue(Names.Standard.IncidentActive))));
    }

    public Entity SalesOrder(Entity customer)
    {
        return Store(Row("salesorder", Guid.NewGuid(),
            ("name", "Stroom en gas 3 jaar vast"), ("customerid", customer.ToEntityReference()),
            ("totalamount", new Money(1480.00m)), ("datefulfilled", new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc)),
            ("statecode", new OptionSetValue(Names.Standard.OrderActive))));
    }

    public Entity Invoice(Entity customer)
    {
        return Store(Row("invoice", Guid.NewGuid(),
            ("name", "Jaarafrekening 2025"), ("customerid", customer.ToEntityReference()),
            ("totalamount", new Money(312.40m)), ("duedate", new DateTime(2026, 2, 14, 0, 0, 0, DateTimeKind.Utc))));
    }

    public Entity OfferRecommendation(Entity contact, int status)
    {
        return Store(Row(Names.OfferRecommendation.Table, Guid.NewGuid(),
            ("rtn_name", "Loyaliteitsbonus"), (Names.OfferRecommendation.Contact, contact.ToEntityReference()),
            ("rtn_rank", 1), (Names.OfferRecommendation.Status, new OptionSetValue(status))));
    }

    /// <summary>An inbound e-mail or call (directioncode false) regarding a contact, account or case.</summary>
    public Entity Activity(string table, Entity regarding)
    {
        return Store(Row(table, Guid.NewGuid(),
            ("subject", "Opzegging"), ("description", "Ik wil mijn contract opzeggen, dit is de derde keer dat ik bel."),
            ("directioncode", false), ("regardingobjectid", regarding.ToEntityReference())));
    }

    /// <summary>A row carrying only some columns of another, as a Target or image holds them.</summary>
    public static Entity Slice(Entity row, params string[] columns)
    {
        var slice = new Entity(row.LogicalName, row.Id);
        foreach (var column in columns)
        {
            slice[column] = row.Contains(column) ? row[column] : null;
        }

        return slice;
    }

    private Entity Store(Entity row)
    {
        service.Add(row);
        return row;
    }

    private static Entity Row(string table, Guid id, params (string Column, object? Value)[] values)
    {
        var definition = Model.Table(table);
        var row = new Entity(table, id);
        row[definition.PrimaryId] = id;
        foreach (var (column, value) in values)
        {
            var columnDefinition = definition.Column(column);
            if (value is OptionSetValue option && !Model.IsAllowedChoiceValue(columnDefinition, option.Value))
            {
                throw new InvalidOperationException($"{table}.{column} does not allow {option.Value} in datamodel.json.");
            }

            row[column] = value;
        }

        return row;
    }
}
