using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// One plain synchronous GET per call with HttpWebRequest: the only synchronous HTTP API .NET Framework 4.6.2 has,
    /// so the sandbox runs the very code the net10.0 tests run, with no Task.Run and no blocking on a task.
    /// Redirects are never followed (a 3xx is handed back as it is), so the key is never sent to another host; the body
    /// is read up to <see cref="MaxResponseBytes"/> and no further; the connection is closed after the call, as
    /// Dataverse recommends for plug-ins.
    /// </summary>
    public sealed class HttpInsightsTransport : IInsightsTransport
    {
        /// <summary>Insights larger than this are a service bug, not something to hand to a form.</summary>
        public const int MaxResponseBytes = 1024 * 1024;

        public static HttpInsightsTransport Instance { get; } = new HttpInsightsTransport();

        public TransportResponse Get(Uri uri, string apiKey, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            var milliseconds = (int)Math.Max(1, Math.Min(int.MaxValue, timeout.TotalMilliseconds));
            HttpWebResponse response;
            try
            {
                response = Send(uri, apiKey, milliseconds);
            }
            catch (WebException ex) when (ex.Response is HttpWebResponse answered)
            {
                // Any status outside 2xx arrives as an exception carrying the response; it is still an answer.
                response = answered;
            }
            catch (WebException ex) when (ex.Status == WebExceptionStatus.Timeout || watch.Elapsed >= timeout)
            {
                return TransportResponse.TimedOut();
            }
            catch (WebException ex)
            {
                return TransportResponse.Failed(Describe(ex));
            }

            using (response)
            {
                return Read(response, watch, timeout);
            }
        }

        // WebRequest is obsolete on .NET 6+ (SYSLIB0014, a warning): it stays because it is the synchronous API both
        // targets share, and the net462 leg is what Dataverse loads.
#pragma warning disable SYSLIB0014
        private static HttpWebResponse Send(Uri uri, string apiKey, int timeoutMilliseconds)
        {
            var request = (HttpWebRequest)WebRequest.Create(uri);
            request.Method = "GET";
            request.Accept = "application/json";
            request.Headers["x-functions-key"] = apiKey;
            request.AllowAutoRedirect = false;
            request.KeepAlive = false;
            request.Timeout = timeoutMilliseconds;
            request.ReadWriteTimeout = timeoutMilliseconds;
            return (HttpWebResponse)request.GetResponse();
        }
#pragma warning restore SYSLIB0014

        private static TransportResponse Read(HttpWebResponse response, Stopwatch watch, TimeSpan timeout)
        {
            var status = (int)response.StatusCode;
            var retryAfter = RetryAfter(response.Headers["Retry-After"]);
            if (response.ContentLength > MaxResponseBytes)
            {
                return TransportResponse.TooLarge(status);
            }

            try
            {
                using (var stream = response.GetResponseStream())
                using (var buffer = new MemoryStream())
                {
                    var chunk = new byte[16 * 1024];
                    int read;
                    while (stream != null && (read = stream.Read(chunk, 0, chunk.Length)) > 0)
                    {
                        if (buffer.Length + read > MaxResponseBytes)
                        {
                            return TransportResponse.TooLarge(status);
                        }

                        // ReadWriteTimeout bounds each read; this bounds the whole body against a slow trickle.
                        if (watch.Elapsed > timeout)
                        {
                            return TransportResponse.TimedOut();
                        }

                        buffer.Write(chunk, 0, read);
                    }

                    buffer.Position = 0;
                    using (var reader = new StreamReader(buffer, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true))
                    {
                        return TransportResponse.Completed(status, reader.ReadToEnd(), retryAfter);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is WebException)
            {
                return watch.Elapsed >= timeout ? TransportResponse.TimedOut() : TransportResponse.Failed(Describe(ex));
            }
        }

        /// <summary>Retry-After is either a number of seconds or an HTTP date (RFC 9110 §10.2.3).</summary>
        private static TimeSpan? RetryAfter(string? header)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                return null;
            }

            if (int.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParseExact(header!.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - DateTimeOffset.UtcNow;
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
    }
}
