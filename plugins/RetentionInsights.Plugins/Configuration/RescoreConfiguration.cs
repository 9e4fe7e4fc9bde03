using System;
using System.IO;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;

namespace RetentionInsights.Plugins.Configuration
{
    /// <summary>
    /// The unsecure configuration of a RescoreTrigger step, e.g.
    /// {"serviceEndpointId":"…","scoringServiceUserId":"…","scoringServiceApplicationId":"…","maxDepth":1}.
    /// Parsed with the framework's DataContractJsonSerializer because the sandbox allows no third-party JSON library.
    /// </summary>
    public sealed class RescoreConfiguration
    {
        public const int DefaultMaxDepth = 1;

        private RescoreConfiguration(Guid serviceEndpointId, Guid scoringServiceUserId, Guid scoringServiceApplicationId, int maxDepth)
        {
            ServiceEndpointId = serviceEndpointId;
            ScoringServiceUserId = scoringServiceUserId;
            ScoringServiceApplicationId = scoringServiceApplicationId;
            MaxDepth = maxDepth;
        }

        /// <summary>The webhook service endpoint (serviceendpoint row) that receives the execution context.</summary>
        public Guid ServiceEndpointId { get; }

        /// <summary>systemuser id of the scoring service's application user; Guid.Empty when not configured.</summary>
        public Guid ScoringServiceUserId { get; }

        /// <summary>Entra application (client) id of the scoring service; Guid.Empty when not configured.</summary>
        public Guid ScoringServiceApplicationId { get; }

        /// <summary>Events deeper than this come from other plug-ins or workflows reacting to a change already rescored.</summary>
        public int MaxDepth { get; }

        public bool HasServiceIdentity => ScoringServiceUserId != Guid.Empty || ScoringServiceApplicationId != Guid.Empty;

        /// <summary>Parses the step configuration; the error names the field so an administrator can fix the step.</summary>
        public static bool TryParse(string? json, out RescoreConfiguration? configuration, out string error)
        {
            configuration = null;
            if (string.IsNullOrWhiteSpace(json))
            {
                error = "The step has no unsecure configuration; it needs {\"serviceEndpointId\":\"<guid>\", \"scoringServiceUserId\":\"<guid>\"}.";
                return false;
            }

            Document? document;
            try
            {
                using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
                {
                    document = (Document?)new DataContractJsonSerializer(typeof(Document)).ReadObject(stream);
                }
            }
            catch (Exception ex) when (ex is SerializationException || ex is System.Xml.XmlException)
            {
                error = "The step's unsecure configuration is not valid JSON: " + ex.Message;
                return false;
            }

            if (document == null)
            {
                error = "The step's unsecure configuration is empty JSON.";
                return false;
            }

            if (!TryGuid(document.ServiceEndpointId, "serviceEndpointId", required: true, out var endpointId, out error)
                || !TryGuid(document.ScoringServiceUserId, "scoringServiceUserId", required: false, out var userId, out error)
                || !TryGuid(document.ScoringServiceApplicationId, "scoringServiceApplicationId", required: false, out var applicationId, out error))
            {
                return false;
            }

            var maxDepth = document.MaxDepth ?? DefaultMaxDepth;
            if (maxDepth < 1)
            {
                error = $"maxDepth in the step's unsecure configuration must be 1 or more, not {maxDepth}.";
                return false;
            }

            configuration = new RescoreConfiguration(endpointId, userId, applicationId, maxDepth);
            error = string.Empty;
            return true;
        }

        private static bool TryGuid(string? text, string field, bool required, out Guid value, out string error)
        {
            value = Guid.Empty;
            error = string.Empty;
            if (string.IsNullOrWhiteSpace(text))
            {
                if (required)
                {
                    error = $"{field} is missing from the step's unsecure configuration.";
                    return false;
                }

                return true;
            }

            if (!Guid.TryParse(text, out value))
            {
                error = $"{field} in the step's unsecure configuration is not a GUID: '{text}'.";
                return false;
            }

            if (required && value == Guid.Empty)
            {
                error = $"{field} in the step's unsecure configuration is the empty GUID; set the id of the webhook service endpoint.";
                return false;
            }

            return true;
        }

        /// <summary>Wire shape of the configuration. Public because the sandbox runs in partial trust, where
        /// DataContractJsonSerializer cannot reach non-public types.</summary>
        [DataContract]
        public sealed class Document
        {
            [DataMember(Name = "serviceEndpointId")]
            public string? ServiceEndpointId { get; set; }

            [DataMember(Name = "scoringServiceUserId")]
            public string? ScoringServiceUserId { get; set; }

            [DataMember(Name = "scoringServiceApplicationId")]
            public string? ScoringServiceApplicationId { get; set; }

            [DataMember(Name = "maxDepth")]
            public int? MaxDepth { get; set; }
        }
    }
}
