namespace RetentionInsights.Plugins.Insights
{
    /// <summary>Where the scoring service lives and the key it expects, from the solution's environment variables.</summary>
    public sealed class ScoringSettings
    {
        public ScoringSettings(string endpointUrl, string apiKey)
        {
            EndpointUrl = endpointUrl;
            ApiKey = apiKey;
        }

        public string EndpointUrl { get; }

        public string ApiKey { get; }
    }
}
