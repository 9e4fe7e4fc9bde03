using System.Collections.Concurrent;
using RetentionInsights.Plugins.Insights;

namespace RetentionInsights.Plugins.Tests.Fakes;

public sealed record TransportCall(Uri Uri, string ApiKey, TimeSpan Timeout);

/// <summary>Answers GETs from a script of responses (the last one repeats) and records every call.</summary>
public sealed class FakeInsightsTransport : IInsightsTransport
{
    private readonly Func<Uri, int, TransportResponse> _respond;
    private readonly ConcurrentQueue<TransportCall> _calls = new();
    private int _count;

    public FakeInsightsTransport(params TransportResponse[] script)
        : this((_, attempt) => script[Math.Min(attempt, script.Length) - 1])
    {
    }

    public FakeInsightsTransport(Func<Uri, int, TransportResponse> respond) => _respond = respond;

    public IReadOnlyList<TransportCall> Calls => _calls.ToArray();

    public TransportResponse Get(Uri uri, string apiKey, TimeSpan timeout)
    {
        _calls.Enqueue(new TransportCall(uri, apiKey, timeout));
        return _respond(uri, Interlocked.Increment(ref _count));
    }
}
