using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.Serialization.Json;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace RetentionInsights.Plugins.Configuration
{
    /// <summary>
    /// The unsecure configuration of a RescoreTrigger step: {"serviceEndpointId":"…","maxDepth":1}, both optional. It
    /// holds nothing that differs between environments (the webhook's id ships with the solution); the scoring service's
    /// identity comes from environment variables. Any other key is refused, so a typo cannot silently switch a setting off.
    /// Read with the framework's JSON reader because the sandbox allows no third-party JSON library.
    /// </summary>
    public sealed class RescoreConfiguration
    {
        public const int DefaultMaxDepth = 1;

        public const string ServiceEndpointIdKey = "serviceEndpointId";
        public const string MaxDepthKey = "maxDepth";

        public static readonly Guid DefaultServiceEndpointId = new Guid(PluginNames.ScoringWebhookId);

        /// <summary>Keys earlier versions read from the step; now environment variables, named in the error.</summary>
        private static readonly IReadOnlyDictionary<string, string> MovedKeys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["scoringServiceUserId"] = PluginNames.ScoringServiceUserIdVariable,
            ["scoringServiceApplicationId"] = PluginNames.ScoringServiceApplicationIdVariable,
        };

        private RescoreConfiguration(Guid serviceEndpointId, int maxDepth)
        {
            ServiceEndpointId = serviceEndpointId;
            MaxDepth = maxDepth;
        }

        public static RescoreConfiguration Default { get; } = new RescoreConfiguration(DefaultServiceEndpointId, DefaultMaxDepth);

        /// <summary>The webhook service endpoint (serviceendpoint row) that receives the execution context.</summary>
        public Guid ServiceEndpointId { get; }

        /// <summary>Events deeper than this come from other plug-ins or workflows reacting to a change already rescored.</summary>
        public int MaxDepth { get; }

        /// <summary>Parses the step configuration; the error names the key so an administrator can fix the step.</summary>
        public static bool TryParse(string? json, out RescoreConfiguration? configuration, out string error)
        {
            configuration = null;
            if (string.IsNullOrWhiteSpace(json))
            {
                configuration = Default;
                error = string.Empty;
                return true;
            }

            XElement root;
            try
            {
                using (var reader = JsonReaderWriterFactory.CreateJsonReader(Encoding.UTF8.GetBytes(json), XmlDictionaryReaderQuotas.Max))
                {
                    root = XElement.Load(reader);
                }
            }
            catch (XmlException ex)
            {
                error = "The step's unsecure configuration is not valid JSON: " + ex.Message;
                return false;
            }

            if ((string?)root.Attribute("type") != "object")
            {
                error = "The step's unsecure configuration must be a JSON object such as {\"maxDepth\":1}.";
                return false;
            }

            // KeyValuePair, not a tuple: net462 has no System.ValueTuple without a package.
            var members = root.Elements().Select(e => new KeyValuePair<string, XElement>(KeyOf(e), e)).ToList();
            foreach (var member in members)
            {
                if (MovedKeys.TryGetValue(member.Key, out var variable))
                {
                    error = $"\"{member.Key}\" is no longer read from the step configuration: remove it and set the environment variable {variable} instead.";
                    return false;
                }

                if (member.Key != ServiceEndpointIdKey && member.Key != MaxDepthKey)
                {
                    error = $"The step's unsecure configuration has an unknown key \"{member.Key}\"; only \"{ServiceEndpointIdKey}\" and \"{MaxDepthKey}\" are allowed.";
                    return false;
                }

                if (members.Count(m => m.Key == member.Key) > 1)
                {
                    error = $"The step's unsecure configuration names \"{member.Key}\" more than once.";
                    return false;
                }
            }

            var endpointId = DefaultServiceEndpointId;
            var endpoint = members.FirstOrDefault(m => m.Key == ServiceEndpointIdKey).Value;
            if (endpoint != null && (!IsString(endpoint) || !Guid.TryParse(endpoint.Value, out endpointId) || endpointId == Guid.Empty))
            {
                error = $"{ServiceEndpointIdKey} in the step's unsecure configuration must be the id of the webhook service endpoint (a GUID string), not '{endpoint.Value}'.";
                return false;
            }

            var maxDepth = DefaultMaxDepth;
            var depth = members.FirstOrDefault(m => m.Key == MaxDepthKey).Value;
            if (depth != null && (!IsType(depth, "number") || !int.TryParse(depth.Value, NumberStyles.None, CultureInfo.InvariantCulture, out maxDepth) || maxDepth < 1))
            {
                error = $"{MaxDepthKey} in the step's unsecure configuration must be a whole number of 1 or more, not '{depth.Value}'.";
                return false;
            }

            configuration = new RescoreConfiguration(endpointId, maxDepth);
            error = string.Empty;
            return true;
        }

        /// <summary>The JSON-to-XML mapping names an element after its key, or "item" with the key in an attribute when
        /// the key is no valid XML name.</summary>
        private static string KeyOf(XElement element) => (string?)element.Attribute("item") ?? element.Name.LocalName;

        private static bool IsType(XElement element, string type) => (string?)element.Attribute("type") == type;

        private static bool IsString(XElement element) => element.Attribute("type") == null || IsType(element, "string");
    }
}
