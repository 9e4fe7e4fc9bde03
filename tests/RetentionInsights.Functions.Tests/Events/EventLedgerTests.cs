using RetentionInsights.Functions.Events;
using RetentionInsights.Functions.State;

namespace RetentionInsights.Functions.Tests.Events;

public sealed class EventLedgerTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), "rtn-ledger-" + Guid.NewGuid().ToString("N") + ".db");

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task TryBegin_SecondDeliveryWhileFirstIsProcessing_IsInProgress_AndAfterCompletionADuplicate()
    {
        var ledger = new EventLedger(new SqliteStateStore(_db), new ManualClock(DateTimeOffset.UnixEpoch));

        var first = await ledger.TryBeginAsync("e1", CancellationToken.None);
        var concurrent = await ledger.TryBeginAsync("e1", CancellationToken.None);
        await ledger.CompleteAsync("e1", "scored: 3 write(s)", CancellationToken.None);
        var redelivered = await ledger.TryBeginAsync("e1", CancellationToken.None);

        Assert.Equal(LedgerClaim.Begun, first.Claim);
        Assert.Equal(LedgerClaim.InProgress, concurrent.Claim);
        Assert.Equal((LedgerClaim.Duplicate, "scored: 3 write(s)"), redelivered);
    }

    [Fact]
    public async Task TryBegin_AfterAFailedAttempt_LetsTheRedeliveryProcessIt()
    {
        var ledger = new EventLedger(new SqliteStateStore(_db), new ManualClock(DateTimeOffset.UnixEpoch));
        await ledger.TryBeginAsync("e2", CancellationToken.None);

        await ledger.AbandonAsync("e2", CancellationToken.None);

        Assert.Equal(LedgerClaim.Begun, (await ledger.TryBeginAsync("e2", CancellationToken.None)).Claim);
    }

    [Fact]
    public async Task TryBegin_WorkerDiedMidEvent_ClaimExpiresAfterTheLease()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var ledger = new EventLedger(new SqliteStateStore(_db), clock);
        await ledger.TryBeginAsync("e3", CancellationToken.None);

        clock.Now += EventLedger.Lease - TimeSpan.FromSeconds(1);
        var stillHeld = await ledger.TryBeginAsync("e3", CancellationToken.None);
        clock.Now += TimeSpan.FromSeconds(2);
        var takenOver = await ledger.TryBeginAsync("e3", CancellationToken.None);

        Assert.Equal(LedgerClaim.InProgress, stillHeld.Claim);
        Assert.Equal(LedgerClaim.Begun, takenOver.Claim);
    }

    [Fact]
    public async Task TryBegin_ManyConcurrentDeliveries_ExactlyOneBegins()
    {
        var ledger = new EventLedger(new SqliteStateStore(_db), TimeProvider.System);

        var claims = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => ledger.TryBeginAsync("e4", CancellationToken.None))));

        Assert.Equal(1, claims.Count(c => c.Claim == LedgerClaim.Begun));
    }

    [Fact]
    public async Task TryBegin_ClaimOfAKilledProcessOnThisInstance_IsTakenOverAtOnce()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var killed = new EventLedger(new SqliteStateStore(_db), clock, holder: "host-a/1234-dead");
        var restarted = new EventLedger(new SqliteStateStore(_db), clock, holder: "host-a/5678-new");
        await killed.TryBeginAsync("e5", CancellationToken.None);

        clock.Now += TimeSpan.FromSeconds(1);
        var redelivery = await restarted.TryBeginAsync("e5", CancellationToken.None);

        Assert.Equal(LedgerClaim.Begun, redelivery.Claim);
    }

    [Fact]
    public async Task TryBegin_ClaimOfThisProcessNoLongerRunning_IsTakenOverAtOnce()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        // The same holder, but not this ledger's running claim (e.g. a host restarted inside the same process).
        await new EventLedger(new SqliteStateStore(_db), clock, holder: "host-a/1").TryBeginAsync("e6", CancellationToken.None);

        var redelivery = await new EventLedger(new SqliteStateStore(_db), clock, holder: "host-a/1").TryBeginAsync("e6", CancellationToken.None);

        Assert.Equal(LedgerClaim.Begun, redelivery.Claim);
    }

    [Fact]
    public async Task TryBegin_ClaimOfAnotherInstanceWithinTheLease_IsHeldElsewhereThenTakenOverAfterIt()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        await new EventLedger(new SqliteStateStore(_db), clock, holder: "host-a/1").TryBeginAsync("e7", CancellationToken.None);
        var other = new EventLedger(new SqliteStateStore(_db), clock, holder: "host-b/2");

        var during = await other.TryBeginAsync("e7", CancellationToken.None);
        clock.Now += EventLedger.Lease + TimeSpan.FromSeconds(1);
        var after = await other.TryBeginAsync("e7", CancellationToken.None);

        Assert.Equal(LedgerClaim.HeldElsewhere, during.Claim);
        Assert.Equal(LedgerClaim.Begun, after.Claim);
    }

    [Fact]
    public async Task Complete_WithAContact_RecordsTheOutcomeAndTheIndexEntry_WhichForgetContactRemoves()
    {
        var store = new SqliteStateStore(_db);
        var ledger = new EventLedger(store, new ManualClock(DateTimeOffset.UnixEpoch));
        var contact = Guid.NewGuid();
        await ledger.TryBeginAsync("e8", CancellationToken.None);

        await ledger.CompleteAsync("e8", "scored: 1 write(s)", CancellationToken.None, contact);

        Assert.Equal((LedgerClaim.Duplicate, "scored: 1 write(s)"), await ledger.TryBeginAsync("e8", CancellationToken.None));
        Assert.Equal([$"event-contacts/{contact:N}/e8"], await store.ListKeysAsync("event-contacts/", CancellationToken.None));
        Assert.Equal(1, await ledger.ForgetContactAsync(contact, CancellationToken.None));
        Assert.Empty(await store.ListKeysAsync("", CancellationToken.None));
    }

    [Fact]
    public async Task Complete_AfterAnotherHolderTookTheClaimOver_StillRecordsTheOutcome()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var slow = new EventLedger(new SqliteStateStore(_db), clock, holder: "host-a/1");
        await slow.TryBeginAsync("e9", CancellationToken.None);
        clock.Now += EventLedger.Lease + TimeSpan.FromSeconds(1);
        await new EventLedger(new SqliteStateStore(_db), clock, holder: "host-b/2").TryBeginAsync("e9", CancellationToken.None);

        await slow.CompleteAsync("e9", "scored: 2 write(s)", CancellationToken.None);

        Assert.Equal((LedgerClaim.Duplicate, "scored: 2 write(s)"), await slow.TryBeginAsync("e9", CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_db);
    }
}
