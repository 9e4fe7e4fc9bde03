using System.Text.Json;
using RetentionInsights.Functions.Tests.Support;
using RetentionInsights.Functions.Webhooks;

namespace RetentionInsights.Functions.Tests.Webhooks;

public sealed class RemoteExecutionContextParserTests
{
    private static DataverseEvent Parse(string json) => RemoteExecutionContextParser.Parse(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Parse_IncidentUpdate_ReadsIdsImagesAndTypedValues()
    {
        var incident = Guid.NewGuid();
        var contact = Guid.NewGuid();
        var operation = Guid.NewGuid();

        var evt = Parse(Webhook.IncidentUpdate(incident, contact, operation, Guid.NewGuid(), "Storing"));

        Assert.Equal("Update", evt.MessageName);
        Assert.Equal("incident", evt.PrimaryEntityName);
        Assert.Equal(incident, evt.PrimaryEntityId);
        Assert.Equal(operation, evt.OperationId);
        Assert.Equal(40, evt.Stage);
        Assert.Equal(1, evt.Mode);
        Assert.Equal(new DateTime(2026, 10, 30, 9, 15, 0, DateTimeKind.Utc), evt.OperationCreatedOn);
        var image = evt.PostEntityImages["PostImage"];
        Assert.Equal(new WebhookReference("contact", contact, null), image["customerid"]);
        Assert.Equal(new WebhookOption(2), image["casetypecode"]);
        Assert.Equal(new DateTime(2026, 10, 30, 9, 15, 0, DateTimeKind.Utc), image["modifiedon"]);
        Assert.Equal("Storing", evt.Target!["title"]);
        Assert.IsType<WebhookReference>(evt.Target["modifiedby"]);
    }

    [Fact]
    public void ParseDate_WithOffset_ReturnsTheUtcInstantOfTheMilliseconds()
    {
        Assert.Equal(new DateTime(2024, 6, 13, 10, 40, 1, DateTimeKind.Utc), RemoteExecutionContextParser.ParseDate("/Date(1718275201000+0200)/", "x"));
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(-1000), RemoteExecutionContextParser.ParseDate("/Date(-1000)/", "x"));
    }

    [Fact]
    public void Parse_MoneyAndSharedVariableDictionary_AreTyped()
    {
        var evt = Parse("""
            {"MessageName":"Update","PrimaryEntityName":"salesorder","PrimaryEntityId":"c3a1e5f0-7d2b-ef11-a670-000d3a1c2b11","RequestId":null,
             "InputParameters":[{"key":"Target","value":{"__type":"Entity:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts","Attributes":[
               {"key":"totalamount","value":{"__type":"Money:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts","Value":1250.50}}],
               "Id":"c3a1e5f0-7d2b-ef11-a670-000d3a1c2b11","LogicalName":"salesorder"}}],
             "SharedVariables":[{"key":"rtn_contactid","value":"0f7b4c2e-9a51-4d3b-8e2f-6c1d7a9b3e40"},
               {"key":"pairs","value":[{"__type":"KeyValuePairOfstringstring:#System.Collections.Generic","key":"a","value":"b"}]}],
             "SomeFutureMember":{"x":1}}
            """);

        Assert.Null(evt.RequestId);
        Assert.Equal(new WebhookMoney(1250.50m), evt.Target!["totalamount"]);
        Assert.Equal(Guid.Parse("0f7b4c2e-9a51-4d3b-8e2f-6c1d7a9b3e40"), evt.SharedVariables["rtn_contactid"]);
        Assert.Equal(new KeyValuePair<string, object?>("a", "b"), Assert.Single((List<object?>)evt.SharedVariables["pairs"]!));
    }

    [Fact]
    public void IdempotencyKey_SameBodyTwice_IsEqual_AndDiffersForAnotherOperation()
    {
        var incident = Guid.NewGuid();
        var contact = Guid.NewGuid();
        var operation = Guid.NewGuid();
        var a = Parse(Webhook.IncidentUpdate(incident, contact, operation, Guid.NewGuid(), "x"));
        var b = Parse(Webhook.IncidentUpdate(incident, contact, operation, Guid.NewGuid(), "x"));
        var c = Parse(Webhook.IncidentUpdate(incident, contact, Guid.NewGuid(), Guid.NewGuid(), "x"));

        Assert.Equal(a.IdempotencyKey, b.IdempotencyKey);
        Assert.NotEqual(a.IdempotencyKey, c.IdempotencyKey);
    }

    [Theory]
    [InlineData("[]", "$")]
    [InlineData("{\"PrimaryEntityName\":\"contact\",\"PrimaryEntityId\":\"c3a1e5f0-7d2b-ef11-a670-000d3a1c2b11\"}", "MessageName")]
    [InlineData("{\"MessageName\":\"Update\",\"PrimaryEntityName\":\"contact\",\"PrimaryEntityId\":\"c3a1e5f0-7d2b-ef11-a670-000d3a1c2b11\",\"Depth\":\"1\"}", "Depth")]
    [InlineData("{\"MessageName\":\"Update\",\"PrimaryEntityName\":\"contact\",\"PrimaryEntityId\":\"c3a1e5f0-7d2b-ef11-a670-000d3a1c2b11\",\"OperationCreatedOn\":\"2024-06-13\"}", "OperationCreatedOn")]
    [InlineData("{\"MessageName\":\"Update\",\"PrimaryEntityName\":\"contact\",\"PrimaryEntityId\":\"c3a1e5f0-7d2b-ef11-a670-000d3a1c2b11\",\"PostEntityImages\":[{\"value\":{}}]}", "PostEntityImages[0]")]
    public void Parse_InvalidMember_ThrowsNamingThePath(string json, string path)
    {
        var error = Assert.Throws<WebhookFormatException>(() => Parse(json));

        Assert.StartsWith(path, error.Path, StringComparison.Ordinal);
    }
}
