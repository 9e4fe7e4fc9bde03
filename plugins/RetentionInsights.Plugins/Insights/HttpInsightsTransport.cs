using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// HttpClient transport. One static client per sandbox worker (a client per call exhausts sockets); the timeout
    /// is enforced per request with a cancellation token and the connection is closed after each call, as Dataverse
    /// recommends for plug-ins (the equivalent of HttpWebRequest.KeepAlive = false).
    /// </summary>
    public sealed class HttpInsightsTransport : IInsightsTransport
    {
        /// <summary>Insights larger than this are a service bug, not something to hand to a form.</summary>
        public const int MaxResponseBytes = 1024 * 1024;

        private static readonly HttpClient Client = CreateClient();

        public static HttpInsightsTransport Instance { get; } = new HttpInsightsTransport();

        public TransportResponse Get(Uri uri, string apiKey, TimeSpan timeout)
        {
            // The sandbox has no synchronization context, and Task.Run guarantees none for hosts that do,
            // so blocking on the task here cannot deadlock.
            return Task.Run(() => GetAsync(uri, apiKey, timeout)).GetAwaiter().GetResult();
        }

        private static async Task<TransportResponse> GetAsync(Uri uri, string apiKey, TimeSpan timeout)
        {
            using (var cancellation = new CancellationTokenSource(timeout))
            using (var request = new HttpRequestMessage(HttpMethod.Get, uri))
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                request.Headers.Add("x-functions-key", apiKey);
                request.Headers.ConnectionClose = true;
                try
                {
                    using (var response = await Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellation.Token).ConfigureAwait(false))
                    {
                        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                        return TransportResponse.Completed((int)response.StatusCode, body, RetryAfter(response));
                    }
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    return TransportResponse.TimedOut();
                }
                catch (HttpRequestException ex)
                {
                    return TransportResponse.Failed(Describe(ex));
                }
            }
        }

        private static TimeSpan? RetryAfter(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            if (header == null)
            {
                return null;
            }

            if (header.Delta.HasValue)
            {
                return header.Delta.Value;
            }

            if (header.Date.HasValue)
            {
                var wait = header.Date.Value - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }

            return null;
        }

        private static string Describe(Exception ex)
        {
            var message = ex.Message;
            for (var inner = ex.InnerException; inner != null; inner = inner.InnerException)
            {
                message = inner.Message;
            }

            return message;
        }

        private static HttpClient CreateClient()
        {
            // The per-request token is the timeout; the client-wide one would otherwise cut in at 100 s.
            return new HttpClient { Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxResponseBytes };
        }
    }
}
