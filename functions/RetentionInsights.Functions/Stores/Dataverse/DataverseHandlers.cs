using System.Net;
using System.Net.Http.Headers;
using Azure.Core;

namespace RetentionInsights.Functions.Stores.Dataverse;

/// <summary>Adds a bearer token for https://{org}/.default from the configured TokenCredential, cached until near expiry.</summary>
public sealed class DataverseTokenHandler(TokenCredential credential, Uri environment) : DelegatingHandler
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken _token;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (_token.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5))
            return _token.Token;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token.ExpiresOn <= DateTimeOffset.UtcNow.AddMinutes(5))
            {
                var scope = new Uri(environment, "/.default").ToString();
                _token = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken);
            }
            return _token.Token;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Waits for a delay; replaced in tests so a Retry-After of minutes is checked without waiting minutes.</summary>
public interface IRetryDelay
{
    Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken);
}

public sealed class TimeProviderRetryDelay(TimeProvider time) : IRetryDelay
{
    public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, time, cancellationToken);
}

public sealed class DataverseLimits
{
    /// <summary>Requests in flight at once. Dataverse allows 52 per user; staying well below leaves room for other callers.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>How often one request is retried after 429 before the error is surfaced.</summary>
    public int MaxThrottleRetries { get; set; } = 6;

    /// <summary>Used when a 429 carries no Retry-After.</summary>
    public TimeSpan DefaultRetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// State shared by every request of the Dataverse client (one per service): the concurrency cap and the pause a 429
/// imposes. Handlers are created per handler chain; the limits are per user, so their state must not be.
/// </summary>
public sealed class ServiceProtectionGate(DataverseLimits limits)
{
    internal readonly SemaphoreSlim Concurrency = new(limits.MaxConcurrency, limits.MaxConcurrency);
    internal long PausedUntilTicks;
    private int _throttled;

    public DataverseLimits Limits => limits;

    /// <summary>429 responses received so far.</summary>
    public int ThrottledResponses => Volatile.Read(ref _throttled);

    internal void CountThrottle() => Interlocked.Increment(ref _throttled);
}

/// <summary>
/// Dataverse service protection (contracts §5.7): caps concurrent requests and, on 429, waits exactly the Retry-After the
/// server asked for before retrying. The wait pauses every request of this client, not just the one that was throttled,
/// because the limits are per user: hammering on with the others only lengthens the penalty.
/// </summary>
public sealed class ServiceProtectionHandler(ServiceProtectionGate gate, IRetryDelay delay, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt == 0)
                await WaitForPauseAsync(cancellationToken);
            HttpResponseMessage response;
            await gate.Concurrency.WaitAsync(cancellationToken);
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                gate.Concurrency.Release();
            }
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= gate.Limits.MaxThrottleRetries)
                return response;

            gate.CountThrottle();
            var wait = RetryAfter(response) ?? gate.Limits.DefaultRetryAfter;
            var until = time.GetUtcNow().UtcDateTime.Add(wait).Ticks;
            long current;
            while ((current = Interlocked.Read(ref gate.PausedUntilTicks)) < until
                   && Interlocked.CompareExchange(ref gate.PausedUntilTicks, until, current) != current)
            {
            }
            response.Dispose();
            // This request waits exactly what the server asked; the others see the shared pause before they send.
            await delay.WaitAsync(wait, cancellationToken);
        }
    }

    private async Task WaitForPauseAsync(CancellationToken cancellationToken)
    {
        var until = new DateTime(Interlocked.Read(ref gate.PausedUntilTicks), DateTimeKind.Utc);
        var now = time.GetUtcNow().UtcDateTime;
        if (until > now)
            await delay.WaitAsync(until - now, cancellationToken);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}
