using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Insights;
using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Insights;

public sealed class GetRetentionInsightsTests
{
    private const string BaseUrl = "https://rtn-scoring.example.net";
    private const string ApiKey = "k3y-Th4t-Must-N0t-Leak";
    private const string InsightsJson =
        "{\"contactId\":\"x\",\"churnProbability\":0.62,\"riskBand\":471500002,\"reasons\":[\"3 klachten in 90 dagen\"],\"offers\":[],\"alert\":null}";

    private readonly FakePipeline _pipeline = new();
    private readonly Entity _contact;

    public GetRetentionInsightsTests()
    {
        _contact = new DataProducer(_pipeline.Service).Contact();
        _contact["rtn_churnprobability"] = 0.62m;
        _pipeline.Factory.SecuredColumns.Add("contact.rtn_churnprobability");
        _pipeline.Factory.SecuredColumnReaders.Add(_pipeline.Context.InitiatingUserId);
        _pipeline.Service.EnvironmentVariables["rtn_ScoringEndpointUrl"] = BaseUrl;
        _pipeline.Service.SecretEnvironmentVariables["rtn_ScoringApiKey"] = ApiKey;
        _pipeline.Event("rtn_GetRetentionInsights", "contact", _contact.Id).Target(_contact.ToEntityReference());
        _pipeline.Context.Stage = 30;
        _pipeline.Context.Mode = 0;
    }

    [Fact]
    public void Execute_ServiceAnswersJson_ReturnsItVerbatimInInsightsOutput()
    {
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        _pipeline.Run(new GetRetentionInsights(transport));

        Assert.Equal(InsightsJson, _pipeline.Context.OutputParameters["Insights"]);
        var call = Assert.Single(transport.Calls);
        Assert.Equal($"{BaseUrl}/api/customers/{_contact.Id:D}/insights", call.Uri.AbsoluteUri);
        Assert.Equal(ApiKey, call.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(10), call.Timeout);
    }

    [Fact]
    public void Execute_Always_ReadsBothEnvironmentVariablesThroughTheSupportedMessagesAsSystem()
    {
        _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson))));

        var requests = _pipeline.Service.ExecutedRequests.ToArray();
        Assert.Contains(requests, r => r.RequestName == "RetrieveEnvironmentVariableValue" && (string)r["DefinitionSchemaName"] == "rtn_ScoringEndpointUrl");
        Assert.Contains(requests, r => r.RequestName == "RetrieveEnvironmentVariableSecretValue" && (string)r["EnvironmentVariableName"] == "rtn_ScoringApiKey");
        Assert.Contains(null, _pipeline.Factory.RequestedUsers);
    }

    [Fact]
    public void Execute_CallerCanReadTheScoreColumn_ChecksAsTheCallingUserThenAnswers()
    {
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        _pipeline.Run(new GetRetentionInsights(transport));

        Assert.Contains(_pipeline.Context.InitiatingUserId, _pipeline.Factory.RequestedUsers);
        Assert.Single(transport.Calls);
    }

    [Fact]
    public void Execute_ColumnSecurityHidesTheScoresFromTheCaller_RefusesWithoutCallingTheService()
    {
        _pipeline.Factory.SecuredColumnReaders.Clear();
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(new GetRetentionInsights(transport)));

        Assert.StartsWith("You do not have access to retention scores", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.Forbidden, error.HttpStatus);
        Assert.Empty(transport.Calls);
        Assert.False(_pipeline.Context.OutputParameters.Contains("Insights"));
    }

    [Fact]
    public void Execute_ScoresReadableOnlyByAnotherUser_RefusesTheCaller()
    {
        _pipeline.Factory.SecuredColumnReaders.Clear();
        _pipeline.Factory.SecuredColumnReaders.Add(_pipeline.Context.UserId);
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(new GetRetentionInsights(transport)));

        Assert.StartsWith("You do not have access to retention scores", error.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Calls);
    }

    [Fact]
    public void Execute_CallerCannotReadTheContactAtAll_RefusesWithoutCallingTheService()
    {
        _pipeline.Factory.UsersWithoutRowAccess.Add(_pipeline.Context.InitiatingUserId);
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(new GetRetentionInsights(transport)));

        Assert.StartsWith("You do not have access to retention scores", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.Forbidden, error.HttpStatus);
        Assert.Empty(transport.Calls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Execute_ContactNotScoredYet_SaysSoWithoutCallingTheService(bool callerIsReader)
    {
        var unscored = new DataProducer(_pipeline.Service).Contact();
        _pipeline.Event("rtn_GetRetentionInsights", "contact", unscored.Id).Target(unscored.ToEntityReference());
        if (!callerIsReader)
        {
            _pipeline.Factory.SecuredColumnReaders.Clear();
        }

        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(new GetRetentionInsights(transport)));

        Assert.Contains("no insights for this contact yet", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.NotFound, error.HttpStatus);
        Assert.Empty(transport.Calls);
    }

    [Fact]
    public void Execute_Always_NeverWritesTheKeyToTheTrace()
    {
        _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson))));

        Assert.DoesNotContain(ApiKey, _pipeline.Tracing.Text, StringComparison.Ordinal);
        Assert.Contains("read from Azure Key Vault", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_KeyIsAPlainTextVariable_FallsBackAndSaysSoInTheTrace()
    {
        _pipeline.Service.SecretEnvironmentVariables.Clear();
        _pipeline.Service.EnvironmentVariables["rtn_ScoringApiKey"] = ApiKey;
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        _pipeline.Run(new GetRetentionInsights(transport));

        Assert.Equal(ApiKey, Assert.Single(transport.Calls).ApiKey);
        Assert.Contains("plain-text environment variable", _pipeline.Tracing.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_KeyNotSetAnywhere_FailsNamingTheVariableWithoutCallingTheService()
    {
        _pipeline.Service.SecretEnvironmentVariables.Clear();
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(new GetRetentionInsights(transport)));

        Assert.Contains("rtn_ScoringApiKey", error.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Calls);
    }

    [Fact]
    public void Execute_EndpointUrlNotSet_FailsNamingTheVariable()
    {
        _pipeline.Service.EnvironmentVariables.Clear();

        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson)))));

        Assert.Contains("rtn_ScoringEndpointUrl", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.ServiceUnavailable, error.HttpStatus);
    }

    [Fact]
    public void Execute_EndpointUrlEmpty_FailsSayingItHasNoValue()
    {
        _pipeline.Service.EnvironmentVariables["rtn_ScoringEndpointUrl"] = " ";

        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson)))));

        Assert.Contains("rtn_ScoringEndpointUrl could not be read (it has neither a current nor a default value)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_ServiceTimesOut_TellsTheAgentToRetryWithGatewayTimeout()
    {
        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.TimedOut()))));

        Assert.Contains("did not answer within 10 seconds", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.GatewayTimeout, error.HttpStatus);
        Assert.False(_pipeline.Context.OutputParameters.Contains("Insights"));
    }

    [Fact]
    public void Execute_ServiceUnreachable_ReportsBadGatewayWithTheReason()
    {
        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Failed("Name or service not known")))));

        Assert.Contains("could not be reached (Name or service not known)", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.BadGateway, error.HttpStatus);
    }

    [Theory]
    [InlineData(401, "refused the key", PluginHttpStatusCode.BadGateway)]
    [InlineData(403, "rtn_ScoringApiKey", PluginHttpStatusCode.BadGateway)]
    [InlineData(404, "no insights for this contact yet", PluginHttpStatusCode.NotFound)]
    [InlineData(500, "failed (HTTP 500)", PluginHttpStatusCode.BadGateway)]
    [InlineData(400, "failed (HTTP 400)", PluginHttpStatusCode.BadGateway)]
    public void Execute_ServiceAnswersAnError_GivesTheAgentAClearMessage(int status, string expected, PluginHttpStatusCode expectedStatus)
    {
        var problem = "{\"type\":\"about:blank\",\"title\":\"Boom\",\"status\":" + status + "}";

        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Completed(status, problem)))));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(expectedStatus, error.HttpStatus);
        Assert.DoesNotContain(ApiKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_ServiceRedirects_RefusesWithoutFollowingAndNamesTheEndpointVariable()
    {
        var transport = new FakeInsightsTransport(TransportResponse.Completed(302, string.Empty));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(new GetRetentionInsights(transport)));

        Assert.Contains("redirect (HTTP 302), which is refused", error.Message, StringComparison.Ordinal);
        Assert.Single(transport.Calls);
        Assert.False(_pipeline.Context.OutputParameters.Contains("Insights"));
    }

    [Fact]
    public void Execute_AnswerOverOneMebibyte_ReportsTheSizeNotAnUnreachableService()
    {
        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.TooLarge(200)))));

        Assert.Contains("more than 1 MiB", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.BadGateway, error.HttpStatus);
    }

    [Theory]
    [InlineData("<html><body>Service Unavailable</body></html>")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    [InlineData("{\"contactId\":")]
    public void Execute_ServiceAnswersSomethingOtherThanAJsonObject_Fails(string body)
    {
        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Completed(200, body)))));

        Assert.Contains("not a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://rtn-scoring.example.net", "https")]
    [InlineData("https://10.0.0.4", "IP addresses")]
    [InlineData("https://localhost:7071", "localhost")]
    [InlineData("rtn-scoring.example.net", "absolute https URL")]
    [InlineData("https://rtn-scoring.example.net/?code=abc", "query string")]
    public void Execute_EndpointTheSandboxWouldBlock_FailsBeforeCalling(string url, string expected)
    {
        _pipeline.Service.EnvironmentVariables["rtn_ScoringEndpointUrl"] = url;
        var transport = new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson));

        var error = Assert.Throws<InvalidPluginExecutionException>(() => _pipeline.Run(new GetRetentionInsights(transport)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(transport.Calls);
    }

    [Fact]
    public void Execute_NotBoundToAContact_FailsWithBadRequest()
    {
        _pipeline.Target(new EntityReference("account", Guid.NewGuid()));

        var error = Assert.Throws<InvalidPluginExecutionException>(() =>
            _pipeline.Run(new GetRetentionInsights(new FakeInsightsTransport(TransportResponse.Completed(200, InsightsJson)))));

        Assert.Contains("must be called on a contact", error.Message, StringComparison.Ordinal);
        Assert.Equal(PluginHttpStatusCode.BadRequest, error.HttpStatus);
    }
}
