using System;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>One HTTP GET to the scoring service. A seam so the Custom API logic is tested without a network.</summary>
    public interface IInsightsTransport
    {
        TransportResponse Get(Uri uri, string apiKey, TimeSpan timeout);
    }

    public enum TransportOutcome
    {
        /// <summary>An HTTP response arrived (any status code).</summary>
        Completed,

        /// <summary>No complete response within the timeout.</summary>
        TimedOut,

        /// <summary>No response at all: DNS, TLS, connection refused.</summary>
        Failed,

        /// <summary>An answer arrived but its body is larger than the transport accepts; it was not read to the end.</summary>
        TooLarge,
    }

    public sealed class TransportResponse
    {
        private TransportResponse(TransportOutcome outcome, int statusCode, string body, TimeSpan? retryAfter, string failure)
        {
            Outcome = outcome;
            StatusCode = statusCode;
            Body = body;
            RetryAfter = retryAfter;
            Failure = failure;
        }

        public TransportOutcome Outcome { get; }

        public int StatusCode { get; }

        public string Body { get; }

        /// <summary>The server's Retry-After (429/503), when it sent one: passed on to the agent, never waited for.</summary>
        public TimeSpan? RetryAfter { get; }

        /// <summary>Why the call failed, safe to show (never contains the key).</summary>
        public string Failure { get; }

        public static TransportResponse Completed(int statusCode, string body, TimeSpan? retryAfter = null) =>
            new TransportResponse(TransportOutcome.Completed, statusCode, body ?? string.Empty, retryAfter, string.Empty);

        public static TransportResponse TimedOut() =>
            new TransportResponse(TransportOutcome.TimedOut, 0, string.Empty, null, "timed out");

        public static TransportResponse TooLarge(int statusCode) =>
            new TransportResponse(TransportOutcome.TooLarge, statusCode, string.Empty, null, "answer too large");

        public static TransportResponse Failed(string failure) =>
            new TransportResponse(TransportOutcome.Failed, 0, string.Empty, null, failure);
    }
}
