using System.Collections.Concurrent;
using System.Diagnostics;
using RetentionInsights.Functions.Telemetry;

namespace RetentionInsights.Functions.Benchmarks;

/// <summary>
/// Where an event's time went: the process CPU per event (the callers' HTTP client included: they run in the same process)
/// and the mean wall time per event of each stage span (<see cref="ServiceTelemetry.Stages"/>). Under concurrency a stage's
/// wall time includes waiting for a shared resource (the write gate, a contact's lock, a core).
/// </summary>
public sealed record StageBreakdown(double CpuMsPerEvent, IReadOnlyDictionary<string, double> StageMsPerEvent);

/// <summary>Sums the durations of the service's and the engine's stage spans between <see cref="Start"/> and <see cref="Stop"/>.</summary>
public sealed class StageClock : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);
    private readonly ActivityListener _listener;
    private volatile bool _running;
    private TimeSpan _cpuAtStart;

    public StageClock()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ServiceTelemetry.SourceName or RetentionInsights.Scoring.ScoringTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (_running)
                    _ticks.AddOrUpdate(activity.OperationName, activity.Duration.Ticks, (_, total) => total + activity.Duration.Ticks);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Start()
    {
        _ticks.Clear();
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        _running = true;
    }

    public StageBreakdown Stop(int events)
    {
        _running = false;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        var stages = ServiceTelemetry.Stages.All.ToDictionary(name => name,
            name => Math.Round(TimeSpan.FromTicks(_ticks.GetValueOrDefault(name)).TotalMilliseconds / events, 3));
        return new StageBreakdown(Math.Round(cpu.TotalMilliseconds / events, 3), stages);
    }

    /// <summary>
    /// Seconds in each of <paramref name="stages"/> since <see cref="Start"/>, summed over spans: spans of chunks that run at
    /// the same time add up, so with every core busy the sum is close to the CPU time of the stage.
    /// </summary>
    public IReadOnlyDictionary<string, double> SecondsOf(IReadOnlyList<string> stages) =>
        stages.ToDictionary(name => name, name => Math.Round(TimeSpan.FromTicks(_ticks.GetValueOrDefault(name)).TotalSeconds, 3));

    public void Dispose() => _listener.Dispose();
}
