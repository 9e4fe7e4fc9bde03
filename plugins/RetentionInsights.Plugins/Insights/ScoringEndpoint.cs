using System;
using System.Net;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// Builds the insights URL from the environment variable, enforcing what the Dataverse sandbox allows for
    /// outbound calls: HTTPS only, a DNS host name (no IP address), never localhost.
    /// </summary>
    public static class ScoringEndpoint
    {
        public static Uri InsightsUri(string baseUrl, Guid contactId)
        {
            if (!Uri.TryCreate((baseUrl ?? string.Empty).Trim(), UriKind.Absolute, out var root))
            {
                throw new InvalidPluginExecutionException(
                    $"Environment variable {PluginNames.ScoringEndpointUrlVariable} must be an absolute https URL of the scoring service.");
            }

            var where = root.Scheme + "://" + root.Host;
            if (!string.Equals(root.Scheme, "https", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidPluginExecutionException(
                    $"Environment variable {PluginNames.ScoringEndpointUrlVariable} must use https (it is {where}); Dataverse plug-ins may only call HTTPS endpoints.");
            }

            if (root.IsLoopback || IPAddress.TryParse(root.Host.Trim('[', ']'), out _))
            {
                throw new InvalidPluginExecutionException(
                    $"Environment variable {PluginNames.ScoringEndpointUrlVariable} must name the service by DNS host name (it is {where}); the Dataverse sandbox blocks IP addresses and localhost.");
            }

            if (!string.IsNullOrEmpty(root.Query))
            {
                throw new InvalidPluginExecutionException(
                    $"Environment variable {PluginNames.ScoringEndpointUrlVariable} must not carry a query string; the key belongs in {PluginNames.ScoringApiKeyVariable}.");
            }

            // A base with or without a trailing slash, with or without /api, ends at the same route.
            var path = root.AbsolutePath.TrimEnd('/');
            if (path.EndsWith("/api", StringComparison.OrdinalIgnoreCase))
            {
                path = path.Substring(0, path.Length - 4);
            }

            var builder = new UriBuilder(root.Scheme, root.Host, root.Port, path + "/api/customers/" + contactId.ToString("D") + "/insights");
            return builder.Uri;
        }
    }
}
