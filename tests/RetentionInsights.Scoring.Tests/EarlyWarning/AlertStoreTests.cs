using RetentionInsights.Data.Alerts;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Scoring.EarlyWarning;
using RetentionInsights.Scoring.Sentiment;
using RetentionInsights.Functions.EarlyWarning;
using RetentionInsights.Functions.Scoring;

namespace RetentionInsights.Scoring.Tests.EarlyWarning;

public sealed class AlertStoreTests : IDisposable
{
    private static readonly DateTime AsOf = new(2026, 6, 15, 0, 0, 0, DateTimeKind.Utc);
    private readonly LocalOrgProducer _org = new();
    private readonly WarningScanRunner _runner = new(new EarlyWarningScanner(new LexiconSentimentAnalyzer(), new EarlyWarningEvaluator()));

    public void Dispose() => _org.Dispose();

    private AlertStore Store => new(_org.Connection);

    /// <summary>A customer who wrote three angry, escalating emails in the last two weeks (Red by the default rules).</summary>
    private Guid AngryCustomer()
    {
        var id = _org.Contact(AsOf.AddYears(-2));
        _org.Email(id, AsOf.AddDays(-10), "Factuur", "Ik heb al meerdere keren gebeld en ben zeer teleurgesteld. Dit moet dringend opgelost worden.");
        _org.Email(id, AsOf.AddDays(-5), "DRINGEND", "Nogmaals: dit is onacceptabel, ik wil per direct een oplossing.");
        _org.Call(id, AsOf.AddDays(-1), "Klant is het spuugzat en stapt over naar een andere leverancier.");
        return id;
    }

    [Fact]
    public void Columns_UsedByTheStore_ExistInTheDataModel()
    {
        var table = DataModel.Current.Table(Names.RetentionAlert.Table);
        foreach (var column in typeof(AlertStore.Columns).GetFields().Select(f => (string)f.GetValue(null)!))
            Assert.True(table.HasColumn(column), $"{column} is not a column of {table.LogicalName} in datamodel.json");
        Assert.Equal("rtn_earlywarninglevel", table.Column(AlertStore.Columns.Level).Choice);
        Assert.Equal("rtn_alertfeedback", table.Column(AlertStore.Columns.Feedback).Choice);
    }

    [Fact]
    public async Task Scan_AngryCustomer_WritesOneRedAlertWithSignalsDueByAndContactLevel()
    {
        var angry = AngryCustomer();
        var calm = _org.Contact(AsOf.AddYears(-1));
        _org.Email(calm, AsOf.AddDays(-3), "Adres", "Graag wil ik mijn nieuwe adres doorgeven.");

        var report = await _runner.ScanAsync(Store, AsOf);

        Assert.Equal(2, report.CustomersAssessed);
        Assert.Equal(new LevelCounts(0, 0, 1), report.Created);
        var alert = Assert.Single(Store.All());
        Assert.Equal(angry, alert.ContactId);
        Assert.Equal(Names.Choices.WarningRed, alert.Level);
        Assert.Equal(Names.Choices.AlertOpen, alert.Status);
        Assert.Equal(AsOf.AddHours(1), alert.DueBy);
        Assert.True(alert.Sentiment < -0.5);
        Assert.Contains("threatened to escalate or leave", alert.Signals);
        Assert.Contains("dreigde de klant met escaleren of vertrekken", alert.Signals);
        Assert.Equal(Names.Choices.WarningRed, LevelOfContact(angry));
    }

    [Fact]
    public async Task Scan_RunTwiceWhileAlertOpen_CreatesNoDuplicate()
    {
        AngryCustomer();
        await _runner.ScanAsync(Store, AsOf);

        var second = await _runner.ScanAsync(Store, AsOf.AddDays(1));

        Assert.Equal(0, second.Created.Total);
        Assert.Equal(1, second.AlreadyOpen.Total);
        Assert.Single(Store.All());
    }

    [Fact]
    public async Task Scan_HigherLevelWhileYellowOpen_EscalatesTheOpenAlertInsteadOfAddingOne()
    {
        var id = _org.Contact(AsOf.AddYears(-3));
        _org.Email(id, AsOf.AddDays(-20), "Meterstand", "Helaas is mijn meterstand nog niet verwerkt.");
        _org.Email(id, AsOf.AddDays(-18), "Meterstand", "Het duurt lang en dat is vervelend.");
        _org.Email(id, AsOf.AddDays(-16), "Meterstand", "Mijn termijnbedrag is te hoog, dat vind ik jammer.");
        var first = await _runner.ScanAsync(Store, AsOf.AddDays(-15));
        Assert.Equal(1, first.Created.Yellow);

        _org.Email(id, AsOf.AddDays(-3), "Klacht", "Dit is echt belachelijk, ik ben woedend en zeer teleurgesteld.");
        _org.Email(id, AsOf.AddDays(-1), "Klacht", "Nogmaals: onacceptabel. Ik ben teleurgesteld en stap over.");
        var second = await _runner.ScanAsync(Store, AsOf);

        Assert.Equal(0, second.Created.Total);
        Assert.Equal(1, second.Escalated.Total);
        var alert = Assert.Single(Store.All());
        Assert.True(alert.Level > Names.Choices.WarningYellow);
        Assert.Equal(alert.Level, LevelOfContact(id));
    }

    [Fact]
    public async Task Scan_AfterFalseAlarmVerdict_AsksMoreEvidenceOfThatCustomer()
    {
        var id = AngryCustomer();
        await _runner.ScanAsync(Store, AsOf);
        var first = Store.All().Single();
        Assert.True(Store.RecordFeedback(first.Id, Names.Choices.FeedbackFalseAlarm, AsOf.AddHours(2)));

        var again = await _runner.ScanAsync(Store, AsOf.AddDays(1));

        // The same messages, read against this customer's own tone: a lower level than before, or none.
        Assert.Equal(0, again.Created.Red);
        Assert.All(Store.All().Where(a => a.Id != first.Id), a => Assert.True(a.Level < first.Level, $"level {a.Level} after a false alarm"));
        Assert.True(LevelOfContact(id) < first.Level);
    }

    [Fact]
    public async Task RecordFeedback_AfterScan_ResolvesAlertAllowsANewOneAndFeedsKpis()
    {
        var id = AngryCustomer();
        await _runner.ScanAsync(Store, AsOf);
        var alert = Store.All().Single();

        Assert.True(Store.RecordFeedback(alert.Id, Names.Choices.FeedbackValid, AsOf.AddMinutes(45)));

        var resolved = Store.Find(alert.Id)!;
        Assert.Equal(Names.Choices.AlertResolved, resolved.Status);
        Assert.Equal(Names.Choices.FeedbackValid, resolved.Feedback);
        Assert.Equal(AsOf.AddMinutes(45), resolved.ResolvedOn);
        Assert.Equal(Names.Choices.WarningNone, LevelOfContact(id));
        Assert.Empty(Store.OpenAlerts());

        var kpi = AlertKpis.Compute(Store.All());
        Assert.Equal(1.0, kpi.ShareValid);
        Assert.Equal(0.75, kpi.MeanHoursToResolution);
        Assert.Equal(1.0, kpi.ShareResolvedInTime);

        // With the alert resolved, persisting signals raise a fresh alert.
        var again = await _runner.ScanAsync(Store, AsOf.AddDays(1));
        Assert.Equal(1, again.Created.Total);
    }

    [Fact]
    public async Task RecordFeedback_OnAnOlderResolvedAlert_KeepsTheLevelOfTheNewOpenAlert()
    {
        var id = AngryCustomer();
        await _runner.ScanAsync(Store, AsOf);
        var old = Store.All().Single();
        Store.RecordFeedback(old.Id, Names.Choices.FeedbackFalseAlarm, AsOf.AddHours(2));
        await _runner.ScanAsync(Store, AsOf.AddDays(1));
        var levelOfNewAlert = LevelOfContact(id);
        Assert.True(levelOfNewAlert > Names.Choices.WarningNone);

        Store.RecordFeedback(old.Id, Names.Choices.FeedbackValid, AsOf.AddDays(2));

        Assert.Equal(levelOfNewAlert, LevelOfContact(id));
        Assert.Equal(AsOf.AddHours(2), Store.Find(old.Id)!.ResolvedOn);
        Assert.Single(Store.OpenAlerts());
    }

    [Fact]
    public async Task Scan_AlertTheAgentResolvedToday_IsNotReopenedUntilTomorrow()
    {
        var angry = AngryCustomer();
        await _runner.ScanAsync(Store, AsOf);
        var alert = Assert.Single(Store.All());
        Assert.True(Store.RecordFeedback(alert.Id, Names.Choices.FeedbackFalseAlarm, AsOf.AddHours(3)));

        var sameDay = await _runner.ScanAsync(Store, AsOf.AddHours(6));
        var kept = Assert.Single(Store.All());
        Assert.Equal(1, sameDay.ResolvedToday.Total);
        Assert.Equal(Names.Choices.AlertResolved, kept.Status);
        Assert.Equal(Names.Choices.FeedbackFalseAlarm, kept.Feedback);

        var nextDay = await _runner.ScanAsync(Store, AsOf.AddDays(1));
        Assert.Equal(1, nextDay.Created.Total);
        Assert.Equal(2, Store.All().Count);
        // The false alarm moved this customer's thresholds, so the new alert may be milder; the contact shows its level.
        Assert.Equal(Assert.Single(Store.OpenAlerts().Values).Level, LevelOfContact(angry));
    }

    [Fact]
    public async Task Scan_NamesTheDaysAlertAsTheScoringServiceDoes_SoBothWritersShareOneRow()
    {
        var angry = AngryCustomer();

        await _runner.ScanAsync(Store, AsOf.AddHours(9));

        Assert.Equal(RowIds.Alert(angry, AsOf.AddHours(9)), Assert.Single(Store.All()).Id);
    }

    [Fact]
    public void Raise_InsideACallersTransaction_FindsTheOpenAlertItself()
    {
        var id = _org.Contact(AsOf.AddYears(-1));
        var store = Store;
        using (var transaction = _org.Connection.BeginTransaction())
        {
            Assert.Equal(AlertWriteOutcome.Created, store.Raise(new NewAlert(RowIds.Alert(id, AsOf), id, Names.Choices.WarningYellow, "s", -0.4, AsOf.AddDays(1), AsOf), null, transaction).Outcome);
            Assert.Equal(AlertWriteOutcome.AlreadyOpen, store.Raise(new NewAlert(RowIds.Alert(id, AsOf), id, Names.Choices.WarningYellow, "s", -0.4, AsOf.AddDays(1), AsOf), null, transaction).Outcome);
            Assert.Equal(AlertWriteOutcome.Escalated, store.Raise(new NewAlert(RowIds.Alert(id, AsOf), id, Names.Choices.WarningOrange, "s", -0.6, AsOf.AddHours(4), AsOf), null, transaction).Outcome);
            transaction.Commit();
        }
        var alert = Assert.Single(store.All());
        Assert.Equal(Names.Choices.WarningOrange, alert.Level);
        Assert.Equal(AsOf.AddHours(4), alert.DueBy);
    }

    [Fact]
    public void RecordFeedback_UnknownAlertOrValue_IsRefused()
    {
        Assert.False(Store.RecordFeedback(Guid.NewGuid(), Names.Choices.FeedbackFalseAlarm, AsOf));
        Assert.Throws<ArgumentOutOfRangeException>(() => Store.RecordFeedback(Guid.NewGuid(), 42, AsOf));
    }

    [Fact]
    public void LoadCommunication_Window_ReturnsInboundOnlyWithinTheWindow()
    {
        var id = _org.Contact(AsOf.AddYears(-1));
        var inside = _org.Email(id, AsOf.AddDays(-2), "Vraag", "Graag een kopie.");
        _org.Email(id, AsOf.AddDays(-1), "Antwoord", "Hierbij de kopie.", outgoing: true);
        _org.Email(id, AsOf.AddDays(1), "Later", "Na de peildatum.");
        _org.Email(id, AsOf.AddDays(-40), "Oud", "Te oud.");
        _org.Case(id, AsOf.AddDays(-2), "Kopie factuur", 1);

        var rows = Store.LoadCommunication(AsOf.AddDays(-30), AsOf);

        var customer = Assert.Single(rows);
        Assert.Equal(inside, Assert.Single(customer.Activities).Id);
        Assert.Single(customer.Cases);
    }

    [Fact]
    public void LoadLifecycles_ChurnedContact_ChurnDateIsLatestContractEnd()
    {
        var churned = _org.Contact(AsOf.AddYears(-2), active: false, contractEnd: AsOf.AddDays(30));
        var lifecycle = Store.LoadLifecycles()[churned];
        Assert.Equal(AsOf.AddDays(30), lifecycle.ChurnedOn);
        Assert.True(lifecycle.IsCustomerAt(AsOf));
        Assert.False(lifecycle.IsCustomerAt(AsOf.AddDays(31)));
    }

    private int? LevelOfContact(Guid contact)
    {
        using var command = _org.Connection.CreateCommand();
        command.CommandText = $"SELECT {Names.Contact.EarlyWarningLevel} FROM contact WHERE contactid = $id";
        command.Parameters.AddWithValue("$id", StorageFormat.Guid(contact));
        return command.ExecuteScalar() is long value ? (int)value : null;
    }
}
