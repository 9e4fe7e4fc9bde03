namespace RetentionInsights.Plugins.Tests.Fakes;

/// <summary>Unsecure step configurations as registrations.json ships them, and the scoring service's identity.</summary>
public static class StepConfigurations
{
    public static readonly Guid EndpointId = Guid.Parse("6a1f3c2e-8b4d-4e7a-9c51-2d7e0f4b8a13");
    public static readonly Guid ScoringServiceUserId = Guid.Parse("0b6f3a77-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    public static readonly Guid ScoringServiceApplicationId = Guid.Parse("9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");

    public static string Standard(int? maxDepth = null) =>
        "{\"serviceEndpointId\":\"" + EndpointId + "\"" + (maxDepth is { } depth ? ",\"maxDepth\":" + depth : string.Empty) + "}";

    /// <summary>Sets the environment variables an administrator fills in for the loop guard.</summary>
    public static void SetScoringServiceIdentity(FakeOrganizationService service)
    {
        service.EnvironmentVariables["rtn_ScoringServiceUserId"] = ScoringServiceUserId.ToString("D");
        service.EnvironmentVariables["rtn_ScoringServiceApplicationId"] = ScoringServiceApplicationId.ToString("D");
    }
}
