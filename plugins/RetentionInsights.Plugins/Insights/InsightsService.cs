using System;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// Fetches a contact's live insights from the scoring service and turns every failure into one clear message
    /// for the agent. The call is bounded: one attempt of at most <see cref="Timeout"/>, never a wait inside the
    /// sandbox. A busy service's Retry-After is passed on to the agent instead of being slept out during the form's call.
    /// </summary>
    public sealed class InsightsService
    {
        public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

        private readonly IInsightsTransport _transport;
        private readonly ITracingService _tracing;

        public InsightsService(IInsightsTransport transport, ITracingService tracing)
        {
            _transport = transport ?? throw new ArgumentNullException(nameof(transport));
            _tracing = tracing ?? throw new ArgumentNullException(nameof(tracing));
        }

        public string Fetch(ScoringSettings settings, Guid contactId)
        {
            var uri = ScoringEndpoint.InsightsUri(settings.EndpointUrl, contactId);
            return Interpret(Call(uri, settings.ApiKey));
        }

        private TransportResponse Call(Uri uri, string apiKey)
        {
            var watch = Stopwatch.StartNew();
            var response = _transport.Get(uri, apiKey, Timeout);
            _tracing.Trace(
                "GET {0}{1}: {2} {3} in {4} ms",
                uri.Host, uri.AbsolutePath, response.Outcome, response.StatusCode, watch.ElapsedMilliseconds);
            return response;
        }

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
                case TransportOutcome.TooLarge:
                    throw Fail(
                        $"The retention scoring service answered with more than {HttpInsightsTransport.MaxResponseBytes / (1024 * 1024)} MiB of insights for this contact, far more than the panel shows. Ask your administrator to check the service version and its logs.",
                        PluginHttpStatusCode.BadGateway);
            }

            var status = response.StatusCode;
            if (status >= 300 && status < 400)
            {
                // Following a redirect would send the key to whatever host the answer names.
                throw Fail(
                    $"The retention scoring service answered with a redirect (HTTP {status}), which is refused so the key never goes to another address. Ask your administrator to set {PluginNames.ScoringEndpointUrlVariable} to the service's own https address.",
                    PluginHttpStatusCode.BadGateway);
            }

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
