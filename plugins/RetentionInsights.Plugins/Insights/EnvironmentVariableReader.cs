using System;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Insights
{
    /// <summary>
    /// Reads environment variables the supported way (contracts §1.11): the RetrieveEnvironmentVariableValue message
    /// for plain values and RetrieveEnvironmentVariableSecretValue for Azure Key Vault secrets. The
    /// IEnvironmentVariableService of the SDK is documented as internal and is not used.
    /// </summary>
    public static class EnvironmentVariableReader
    {
        public const string ValueMessage = "RetrieveEnvironmentVariableValue";
        public const string ValueParameter = "DefinitionSchemaName";
        public const string ValueResult = "Value";
        public const string SecretMessage = "RetrieveEnvironmentVariableSecretValue";
        public const string SecretParameter = "EnvironmentVariableName";
        public const string SecretResult = "EnvironmentVariableSecretValue";

        public static ScoringSettings ReadScoringSettings(IOrganizationService service, ITracingService tracing)
        {
            var url = ReadValue(service, PluginNames.ScoringEndpointUrlVariable);
            var key = ReadSecret(service, tracing, PluginNames.ScoringApiKeyVariable);
            return new ScoringSettings(url, key);
        }

        public static string ReadValue(IOrganizationService service, string schemaName)
        {
            string? value;
            try
            {
                value = Execute(service, ValueMessage, ValueParameter, schemaName, ValueResult);
            }
            catch (Exception ex) when (!(ex is InvalidPluginExecutionException))
            {
                throw Missing(schemaName, ex.Message);
            }

            return string.IsNullOrWhiteSpace(value) ? throw Missing(schemaName, "it has neither a current nor a default value") : value!;
        }

        /// <summary>
        /// A variable that may be left empty: null when it has no value, or when it cannot be read at all (the reason is
        /// traced). Whitespace around the value is removed.
        /// </summary>
        public static string? ReadOptionalValue(IOrganizationService service, ITracingService tracing, string schemaName)
        {
            string? value;
            try
            {
                value = Execute(service, ValueMessage, ValueParameter, schemaName, ValueResult);
            }
            catch (Exception ex) when (!(ex is InvalidPluginExecutionException))
            {
                tracing.Trace("{0} could not be read ({1}); treated as not set", schemaName, ex.Message);
                return null;
            }

            return string.IsNullOrWhiteSpace(value) ? null : value!.Trim();
        }

        /// <summary>
        /// A Key Vault secret first. A plain-text variable of the same name is accepted as a fallback so a development
        /// environment without Key Vault still works; the trace says which one was used, never the value.
        /// </summary>
        public static string ReadSecret(IOrganizationService service, ITracingService tracing, string schemaName)
        {
            string secretFailure;
            try
            {
                var secret = Execute(service, SecretMessage, SecretParameter, schemaName, SecretResult);
                if (!string.IsNullOrWhiteSpace(secret))
                {
                    tracing.Trace("{0} read from Azure Key Vault", schemaName);
                    return secret!;
                }

                secretFailure = "the Key Vault secret is empty";
            }
            catch (Exception ex) when (!(ex is InvalidPluginExecutionException))
            {
                secretFailure = ex.Message;
            }

            string? plain = null;
            try
            {
                plain = Execute(service, ValueMessage, ValueParameter, schemaName, ValueResult);
            }
            catch (Exception ex) when (!(ex is InvalidPluginExecutionException))
            {
                tracing.Trace("{0}: no plain-text value either ({1})", schemaName, ex.Message);
            }

            if (string.IsNullOrWhiteSpace(plain))
            {
                throw Missing(schemaName, secretFailure);
            }

            tracing.Trace("{0} read as a plain-text environment variable (not Key Vault)", schemaName);
            return plain!;
        }

        private static string? Execute(IOrganizationService service, string message, string parameter, string schemaName, string result)
        {
            var request = new OrganizationRequest(message);
            request[parameter] = schemaName;
            var response = service.Execute(request);
            return response != null && response.Results.TryGetValue(result, out var value) ? value as string : null;
        }

        private static InvalidPluginExecutionException Missing(string schemaName, string reason)
        {
            return new InvalidPluginExecutionException(
                $"Retention insights are not configured: environment variable {schemaName} could not be read ({reason}). " +
                "Ask your administrator to set it in the Retention Insights solution.",
                PluginHttpStatusCode.ServiceUnavailable);
        }
    }
}
