using System.Net;
using System.Net.Sockets;
using System.Text;
using RetentionInsights.Plugins.Insights;

namespace RetentionInsights.Plugins.Tests.Insights;

/// <summary>
/// The real HttpWebRequest transport against a loopback HTTP server written on a raw socket, so the request's exact
/// headers can be seen and the server can be made slow or rude.
/// </summary>
public sealed class HttpInsightsTransportTests
{
    [Fact]
    public async Task Get_ServerAnswers_ReturnsStatusAndBodyAndSendsKeyAcceptAndConnectionClose()
    {
        await using var server = LoopbackServer.Start("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n", "{\"churnProbability\":0.4}");

        var response = HttpInsightsTransport.Instance.Get(server.Uri("/api/customers/1/insights"), "secret-key", TimeSpan.FromSeconds(10));

        Assert.Equal(TransportOutcome.Completed, response.Outcome);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("{\"churnProbability\":0.4}", response.Body);
        var request = await server.Request;
        Assert.StartsWith("GET /api/customers/1/insights HTTP/1.1", request, StringComparison.Ordinal);
        Assert.Contains("x-functions-key: secret-key", request, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Accept: application/json", request, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Connection: close", request, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_TooManyRequests_ReturnsTheRetryAfterDelay()
    {
        await using var server = LoopbackServer.Start("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n", string.Empty);

        var response = HttpInsightsTransport.Instance.Get(server.Uri("/"), "k", TimeSpan.FromSeconds(10));

        Assert.Equal(429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.RetryAfter);
    }

    [Fact]
    public async Task Get_ServerNeverAnswers_ReturnsTimedOut()
    {
        await using var server = LoopbackServer.Start(statusAndHeaders: null, body: null);

        var response = HttpInsightsTransport.Instance.Get(server.Uri("/"), "k", TimeSpan.FromMilliseconds(300));

        Assert.Equal(TransportOutcome.TimedOut, response.Outcome);
    }

    [Fact]
    public void Get_NothingListening_ReturnsFailedWithAReason()
    {
        var port = LoopbackServer.FreePort();

        var response = HttpInsightsTransport.Instance.Get(new Uri($"http://127.0.0.1:{port}/"), "k", TimeSpan.FromSeconds(10));

        Assert.Equal(TransportOutcome.Failed, response.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(response.Failure));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Get_BodyLargerThanTheLimit_ReturnsTooLargeInsteadOfBufferingIt(bool withContentLength)
    {
        var huge = "{\"x\":\"" + new string('x', HttpInsightsTransport.MaxResponseBytes) + "\"}";
        await using var server = LoopbackServer.Start("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n", huge, withContentLength);

        var response = HttpInsightsTransport.Instance.Get(server.Uri("/"), "k", TimeSpan.FromSeconds(10));

        Assert.Equal(TransportOutcome.TooLarge, response.Outcome);
        Assert.Equal(string.Empty, response.Body);
    }

    [Fact]
    public async Task Get_BodyExactlyAtTheLimit_IsReadWhole()
    {
        var body = "{\"x\":\"" + new string('x', HttpInsightsTransport.MaxResponseBytes - 8) + "\"}";
        await using var server = LoopbackServer.Start("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n", body, withContentLength: false);

        var response = HttpInsightsTransport.Instance.Get(server.Uri("/"), "k", TimeSpan.FromSeconds(10));

        Assert.Equal(TransportOutcome.Completed, response.Outcome);
        Assert.Equal(HttpInsightsTransport.MaxResponseBytes, response.Body.Length);
    }

    [Theory]
    [InlineData("301 Moved Permanently")]
    [InlineData("302 Found")]
    [InlineData("307 Temporary Redirect")]
    public async Task Get_ServerRedirectsElsewhere_ReturnsTheRedirectAndNeverSendsTheKeyThere(string status)
    {
        await using var elsewhere = LoopbackServer.Start("HTTP/1.1 200 OK\r\n", "{\"stolen\":true}");
        await using var server = LoopbackServer.Start($"HTTP/1.1 {status}\r\nLocation: {elsewhere.Uri("/collect")}\r\n", string.Empty);

        var response = HttpInsightsTransport.Instance.Get(server.Uri("/api/customers/1/insights"), "secret-key", TimeSpan.FromSeconds(10));

        Assert.Equal(TransportOutcome.Completed, response.Outcome);
        Assert.Equal(int.Parse(status[..3], System.Globalization.CultureInfo.InvariantCulture), response.StatusCode);
        Assert.Contains("x-functions-key: secret-key", await server.Request, StringComparison.OrdinalIgnoreCase);
        Assert.False(elsewhere.Request.IsCompleted, "The redirect target was called.");
    }

    /// <summary>Accepts one connection, records the request head, then answers (or stays silent when told to).</summary>
    private sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<string> _request;

        private LoopbackServer(string? statusAndHeaders, string? body, bool withContentLength)
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _request = Serve(statusAndHeaders, body, withContentLength);
        }

        public Task<string> Request => _request;

        public static LoopbackServer Start(string? statusAndHeaders, string? body, bool withContentLength = true) => new(statusAndHeaders, body, withContentLength);

        public static int FreePort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return port;
        }

        public Uri Uri(string path) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{path}");

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _request;
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // The client went away first (timeout or oversized body): nothing left to serve.
            }

            _stop.Dispose();
        }

        private async Task<string> Serve(string? statusAndHeaders, string? body, bool withContentLength)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            if (statusAndHeaders == null)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }

            var payload = Encoding.UTF8.GetBytes(body ?? string.Empty);
            // Without Content-Length the body ends where the server closes the connection.
            var length = withContentLength ? $"Content-Length: {payload.Length}\r\n" : string.Empty;
            var header = Encoding.ASCII.GetBytes($"{statusAndHeaders}{length}Connection: close\r\n\r\n");
            await stream.WriteAsync(header, _stop.Token);
            await stream.WriteAsync(payload, _stop.Token);
            return head.ToString();
        }
    }
}
