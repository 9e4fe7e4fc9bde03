using RetentionInsights.Functions.Events;

namespace RetentionInsights.Functions.Tests.Events;

public sealed class EventAdmissionTests
{
    /// <summary>Guards against a hang only; the admissions themselves are awaited.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Enter_MoreEventsThanTheLimit_TheOthersWaitAndAreAdmittedInArrivalOrder()
    {
        var admission = new EventAdmission(2);
        var first = await admission.EnterAsync(CancellationToken.None);
        var second = await admission.EnterAsync(CancellationToken.None);
        var waiting = Enumerable.Range(0, 3).Select(_ => admission.EnterAsync(CancellationToken.None).AsTask()).ToList();

        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        first.Dispose();
        var third = await waiting[0].WaitAsync(Hang);
        Assert.False(waiting[1].IsCompleted);
        Assert.False(waiting[2].IsCompleted);
        second.Dispose();
        var fourth = await waiting[1].WaitAsync(Hang);
        Assert.False(waiting[2].IsCompleted);
        third.Dispose();
        (await waiting[2].WaitAsync(Hang)).Dispose();
        fourth.Dispose();
    }

    [Fact]
    public async Task Enter_CancelledWhileWaiting_ThrowsAndGivesUpItsPlace()
    {
        var admission = new EventAdmission(1);
        var held = await admission.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = admission.EnterAsync(cancel.Token).AsTask();
        var next = admission.EnterAsync(CancellationToken.None).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Hang));
        held.Dispose();

        (await next.WaitAsync(Hang)).Dispose();
    }

    [Fact]
    public async Task Enter_LimitZero_AdmitsEveryEventAtOnce()
    {
        var admission = new EventAdmission(0);

        var slots = Enumerable.Range(0, 100).Select(_ => admission.EnterAsync(CancellationToken.None)).ToList();

        Assert.All(slots, s => Assert.True(s.IsCompletedSuccessfully));
        foreach (var slot in slots)
            (await slot).Dispose();
    }

    [Fact]
    public void Create_NegativeLimit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventAdmission(-1));
}
