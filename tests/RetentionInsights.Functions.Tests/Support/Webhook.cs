using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>
/// RemoteExecutionContext bodies as Dataverse's DataContractJsonSerializer writes them (../shared/dataverse-contracts.md §2.5):
/// members in alphabetical order, key/value arrays, "__type" hints with escaped slashes, "\/Date(ms)\/" dates.
/// </summary>
public static class Webhook
{
    public static string Ms(DateTime utc) => ((long)(utc - DateTime.UnixEpoch).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>An async post-operation Update of an incident with the post image "PostImage" naming the customer.</summary>
    public static string IncidentUpdate(Guid incidentId, Guid contactId, Guid operationId, Guid requestId, string title, int caseType = 2,
        bool includeImages = true, bool sharedContact = false)
    {
        var now = Ms(new DateTime(2026, 10, 30, 9, 15, 0, DateTimeKind.Utc));
        var images = includeImages ? $$"""
            [
              { "key": "AsynchronousStepPrimaryName",
                "value": { "Attributes": [ { "key": "title", "value": "{{title}}" }, { "key": "incidentid", "value": "{{incidentId}}" } ],
                           "EntityState": null, "FormattedValues": [], "Id": "{{incidentId}}", "KeyAttributes": [], "LogicalName": "incident",
                           "RelatedEntities": [], "RowVersion": null } },
              { "key": "PostImage",
                "value": {
                  "Attributes": [
                    { "key": "title", "value": "{{title}}" },
                    { "key": "customerid", "value": {
                        "__type": "EntityReference:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts",
                        "Id": "{{contactId}}", "KeyAttributes": [], "LogicalName": "contact", "Name": null, "RowVersion": null } },
                    { "key": "casetypecode", "value": {
                        "__type": "OptionSetValue:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts", "Value": {{caseType}} } },
                    { "key": "statecode", "value": {
                        "__type": "OptionSetValue:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts", "Value": 0 } },
                    { "key": "modifiedon", "value": "\/Date({{now}})\/" },
                    { "key": "incidentid", "value": "{{incidentId}}" }
                  ],
                  "EntityState": null,
                  "FormattedValues": [ { "key": "casetypecode", "value": "Problem" }, { "key": "statecode", "value": "Active" } ],
                  "Id": "{{incidentId}}", "KeyAttributes": [], "LogicalName": "incident", "RelatedEntities": [], "RowVersion": "4456123"
                } }
            ]
            """ : "[]";
        var input = includeImages ? $$"""
            [
              { "key": "Target",
                "value": {
                  "__type": "Entity:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts",
                  "Attributes": [
                    { "key": "title", "value": "{{title}}" },
                    { "key": "incidentid", "value": "{{incidentId}}" },
                    { "key": "modifiedon", "value": "\/Date({{now}})\/" },
                    { "key": "modifiedby", "value": {
                        "__type": "EntityReference:http:\/\/schemas.microsoft.com\/xrm\/2011\/Contracts",
                        "Id": "6b2c9d41-0b6e-ef11-a670-000d3a1c2b11", "KeyAttributes": [], "LogicalName": "systemuser", "Name": null, "RowVersion": null } }
                  ],
                  "EntityState": null, "FormattedValues": [], "Id": "{{incidentId}}", "KeyAttributes": [], "LogicalName": "incident",
                  "RelatedEntities": [], "RowVersion": null } }
            ]
            """ : "[]";
        var shared = sharedContact
            ? $$"""[ { "key": "rtn_contactid", "value": "{{contactId}}" } ]"""
            : "[]";
        return $$"""
            {
              "BusinessUnitId": "5d1c8a31-0b6e-ef11-a670-000d3a1c2b11",
              "CorrelationId": "0f7b4c2e-9a51-4d3b-8e2f-6c1d7a9b3e40",
              "Depth": 1,
              "InitiatingUserAzureActiveDirectoryObjectId": "8a3f2b71-4c5d-4e6f-9a0b-1c2d3e4f5a6b",
              "InitiatingUserId": "6b2c9d41-0b6e-ef11-a670-000d3a1c2b11",
              "InputParameters": {{input}},
              "IsExecutingOffline": false,
              "IsInTransaction": false,
              "IsOfflinePlayback": false,
              "IsolationMode": 1,
              "MessageName": "Update",
              "Mode": 1,
              "OperationCreatedOn": "\/Date({{now}}+0000)\/",
              "OperationId": "{{operationId}}",
              "OrganizationId": "e1f2a3b4-0b6e-ef11-a670-000d3a1c2b11",
              "OrganizationName": "unq1234567890abcdef",
              "OutputParameters": [],
              "OwningExtension": { "Id": "4c7d1e90-7d2b-ef11-a670-000d3a1c2b11", "KeyAttributes": [], "LogicalName": "sdkmessageprocessingstep",
                                   "Name": "Retention: incident Update (webhook)", "RowVersion": null },
              "ParentContext": null,
              "PostEntityImages": {{images}},
              "PreEntityImages": [],
              "PrimaryEntityId": "{{incidentId}}",
              "PrimaryEntityName": "incident",
              "RequestId": "{{requestId}}",
              "SecondaryEntityName": "none",
              "SharedVariables": {{shared}},
              "Stage": 40,
              "UserAzureActiveDirectoryObjectId": "8a3f2b71-4c5d-4e6f-9a0b-1c2d3e4f5a6b",
              "UserId": "6b2c9d41-0b6e-ef11-a670-000d3a1c2b11"
            }
            """;
    }

    /// <summary>An async post-operation event on a contact itself (Update after an objection, Delete), without images.</summary>
    public static string ContactEvent(string message, Guid contactId, Guid operationId) => $$"""
        {
          "CorrelationId": "{{Guid.NewGuid()}}", "Depth": 1, "InputParameters": [], "MessageName": "{{message}}", "Mode": 1,
          "OperationId": "{{operationId}}", "OrganizationId": "e1f2a3b4-0b6e-ef11-a670-000d3a1c2b11", "OutputParameters": [],
          "PostEntityImages": [], "PreEntityImages": [], "PrimaryEntityId": "{{contactId}}", "PrimaryEntityName": "contact",
          "RequestId": "{{Guid.NewGuid()}}", "SharedVariables": [], "Stage": 40
        }
        """;

    /// <summary>A request as Dataverse sends it: POST, JSON body, x-ms-dynamics-* headers, the key as ?code= (WebhookKey).</summary>
    public static HttpRequestMessage Request(string body, string entity = "incident", bool truncated = false, string? key = TestApp.Key)
    {
        var url = "/api/dataverse/events" + (key is null ? string.Empty : "?code=" + Uri.EscapeDataString(key));
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-ms-dynamics-organization", "contoso.crm4.dynamics.com");
        request.Headers.Add("x-ms-dynamics-entity-name", entity);
        request.Headers.Add("x-ms-dynamics-request-name", "Update");
        request.Headers.Add("x-ms-correlation-request-id", "0f7b4c2e-9a51-4d3b-8e2f-6c1d7a9b3e40");
        if (truncated)
            request.Headers.Add("x-ms-dynamics-msg-size-exceeded", "true");
        return request;
    }
}
