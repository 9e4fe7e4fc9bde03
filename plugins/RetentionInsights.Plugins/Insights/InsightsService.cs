using System;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// Fetches a contact's live insights from the scoring service and turns every failure into one clear message
    /// for the agent. The call is bounded: one attempt of at most <see cref="Timeout"/>, plus one retry only when
    /// the service asks for a short pause (429/503 with a small Retry-After), so the Custom API always answers well
    /// inside Dataverse's two-minute limit.
    /// </summary>
    public sealed class InsightsService
    {
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

        /// <summary>Longest Retry-After worth waiting for inside a form's synchronous call.</summary>
        public static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(2);

        private readonly IInsightsTransport _transport;
        private readonly ITracingService _tracing;
        private readonly Action<TimeSpan> _wait;

        public InsightsService(IInsightsTransport transport, ITracingService tracing, Action<TimeSpan>? wait = null)
        {
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
            _tracing = tracing ?? throw new ArgumentNullException(nameof(tracing));
            _wait = wait ?? (delay => System.Threading.Thread.Sleep(delay));
        }

        public string Fetch(ScoringSettings settings, Guid contactId)
        {
            var uri = ScoringEndpoint.InsightsUri(settings.EndpointUrl, contactId);
            var response = Call(uri, settings.ApiKey, attempt: 1);
            if (IsBusy(response) && response.RetryAfter.HasValue && response.RetryAfter.Value <= MaxRetryWait)
            {
                _tracing.Trace("Scoring service busy (HTTP {0}); retrying after {1} ms", response.StatusCode, (int)response.RetryAfter.Value.TotalMilliseconds);
                _wait(response.RetryAfter.Value);
                response = Call(uri, settings.ApiKey, attempt: 2);
            }

            return Interpret(response);
        }

        private TransportResponse Call(Uri uri, string apiKey, int attempt)
        {
            var watch = Stopwatch.StartNew();
            var response = _transport.Get(uri, apiKey, Timeout);
            _tracing.Trace(
                "GET {0}{1} attempt {2}: {3} {4} in {5} ms",
                uri.Host, uri.AbsolutePath, attempt, response.Outcome, response.StatusCode, watch.ElapsedMilliseconds);
            return response;
        }

        private static bool IsBusy(TransportResponse response) =>
            response.Outcome == TransportOutcome.Completed && (response.StatusCode == 429 || response.StatusCode == 503);

        private static string Interpret(TransportResponse response)
        {
            switch (response.Outcome)
            {
                case TransportOutcome.TimedOut:
                    throw Fail(
                        $"The retention scoring service did not answer within {Timeout.TotalSeconds:0} seconds. Try again in a moment; if it keeps happening, ask your administrator to check the service.",
                        PluginHttpStatusCode.GatewayTimeout);
                case TransportOutcome.Failed:
                    throw Fail(
                        $"The retention scoring service could not be reached ({response.Failure}). Ask your administrator to check {PluginNames.ScoringEndpointUrlVariable}.",
                        PluginHttpStatusCode.BadGateway);
            }

            var status = response.StatusCode;
            if (status >= 200 && status < 300)
            {
                if (!JsonShape.IsObject(response.Body))
                {
                    throw Fail(
                        "The retention scoring service answered with something that is not a JSON object. Ask your administrator to check the service version.",
                        PluginHttpStatusCode.BadGateway);
                }

                return response.Body;
            }

            switch (status)
            {
                case 401:
                case 403:
                    throw Fail(
                        $"The retention scoring service refused the key (HTTP {status}). Ask your administrator to check {PluginNames.ScoringApiKeyVariable}.",
                        PluginHttpStatusCode.BadGateway);
                case 404:
                    throw Fail(
                        "The retention scoring service has no insights for this contact yet. They appear after the next scoring run.",
                        PluginHttpStatusCode.NotFound);
                case 429:
                case 503:
                    throw Fail(
                        "The retention scoring service is busy" + RetryHint(response.RetryAfter) + ".",
                        status == 429 ? PluginHttpStatusCode.TooManyRequests : PluginHttpStatusCode.ServiceUnavailable);
                default:
                    throw Fail(
                        $"The retention scoring service failed (HTTP {status}). Try again later; if it keeps happening, ask your administrator to check the service logs.",
                        PluginHttpStatusCode.BadGateway);
            }
        }

        private static string RetryHint(TimeSpan? retryAfter)
        {
            if (!retryAfter.HasValue)
            {
                return "; try again in a minute";
            }

            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.Value.TotalSeconds));
            return "; try again in " + seconds.ToString(CultureInfo.InvariantCulture) + " seconds";
        }

        private static InvalidPluginExecutionException Fail(string message, PluginHttpStatusCode status) =>
            new InvalidPluginExecutionException(message, status);
    }
}
