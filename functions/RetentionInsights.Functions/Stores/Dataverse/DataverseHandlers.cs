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
/// Dataverse service protection (DESIGN/contracts §5.7): caps concurrent requests and, on 429, waits exactly the
/// Retry-After the server asked for before retrying. The wait pauses every request of this client, not just the one
/// that was throttled, because the limits are per user: hammering on with the others only lengthens the penalty.
/// </summary>
public sealed class ServiceProtectionHandler(DataverseLimits limits, IRetryDelay delay, TimeProvider time) : DelegatingHandler
{
    private readonly SemaphoreSlim _concurrency = new(limits.MaxConcurrency, limits.MaxConcurrency);
    private long _pausedUntilTicks;

    public int ThrottledResponses => _throttled;
    private int _throttled;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt == 0)
                await WaitForPauseAsync(cancellationToken);
            HttpResponseMessage response;
            await _concurrency.WaitAsync(cancellationToken);
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                _concurrency.Release();
            }
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= limits.MaxThrottleRetries)
                return response;

            Interlocked.Increment(ref _throttled);
            var wait = RetryAfter(response) ?? limits.DefaultRetryAfter;
            var until = time.GetUtcNow().UtcDateTime.Add(wait).Ticks;
            long current;
            while ((current = Interlocked.Read(ref _pausedUntilTicks)) < until
                   && Interlocked.CompareExchange(ref _pausedUntilTicks, until, current) != current)
            {
            }
            response.Dispose();
            // This request waits exactly what the server asked; the others see the shared pause before they send.
            await delay.WaitAsync(wait, cancellationToken);
        }
    }

    private async Task WaitForPauseAsync(CancellationToken cancellationToken)
    {
        var until = new DateTime(Interlocked.Read(ref _pausedUntilTicks), DateTimeKind.Utc);
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
