using System.Text.Json;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Functions.Events;
using RetentionInsights.Functions.Webhooks;
using RetentionInsights.Plugins.Tests.Fakes;
using RetentionInsights.Plugins.Tests.Plugins;

namespace RetentionInsights.Plugins.Tests.Contract;

/// <summary>
/// The plug-in ↔ scoring-service contract from the plug-in's side: for every declared step, the context the plug-in
/// posts, serialised as Dataverse would put it on the wire, is read by the service's own parser and resolver to the
/// same contact (through SharedVariables "rtn_contactid").
/// </summary>
public sealed class WebhookContractTests
{
    private static readonly RegistrationManifest Manifest = RegistrationManifest.Load();

    public static TheoryData<string> StepNames() => RegistrationManifestTests.StepNames();

    [Theory]
    [MemberData(nameof(StepNames))]
    public async Task PostedContext_DeclaredStep_ServiceResolvesTheSameContactFromSharedVariables(string stepName)
    {
        var step = Manifest.Steps.Single(s => s.Step.Name == stepName).Step;
        var (pipeline, contactId, recordId) = RunDeclaredStep(step);
        var post = Assert.Single(pipeline.Notifications.Posts);

        var body = DataverseWebhookBody.Serialize(pipeline.Context);
        using var document = JsonDocument.Parse(body);
        var evt = RemoteExecutionContextParser.Parse(document.RootElement);
        var resolved = await EventCustomerResolver.ResolveAsync(evt, truncated: false, store: null!, CancellationToken.None);

        Assert.Equal(StepConfigurations.EndpointId, post.Endpoint.Id);
        Assert.Equal(step.Message, evt.MessageName);
        Assert.Equal(step.PrimaryEntity, evt.PrimaryEntityName);
        Assert.Equal(recordId, evt.PrimaryEntityId);
        Assert.Equal(contactId, resolved.ContactId);
        Assert.Equal("SharedVariables.rtn_contactid", resolved.Source);
    }

    [Fact]
    public void SharedVariableKey_Always_IsTheKeyTheServiceReads()
    {
        Assert.Equal(EventCustomerResolver.SharedVariableName, PluginNames.ContactIdSharedVariable);
    }

    [Fact]
    public void Serialize_DataverseShape_EscapesSlashesAndWritesTypeHints()
    {
        var (pipeline, _, _) = RunDeclaredStep(Manifest.Steps.First(s => s.Step.PrimaryEntity == "incident" && s.Step.Message == "Create").Step);

        var body = DataverseWebhookBody.Serialize(pipeline.Context);

        Assert.Contains("\"__type\":\"Entity:http:\\/\\/schemas.microsoft.com\\/xrm\\/2011\\/Contracts\"", body, StringComparison.Ordinal);
        Assert.Contains("\"OperationCreatedOn\":\"\\/Date(", body, StringComparison.Ordinal);
        Assert.Contains("{\"key\":\"rtn_contactid\",\"value\":\"", body, StringComparison.Ordinal);
    }

    private static (FakePipeline Pipeline, Guid ContactId, Guid RecordId) RunDeclaredStep(StepDeclaration step)
    {
        var pipeline = new FakePipeline();
        var data = new DataProducer(pipeline.Service);
        var contact = data.Contact();
        var row = step.PrimaryEntity switch
        {
            "contact" => contact,
            "incident" => data.Incident(contact),
            "salesorder" => data.SalesOrder(contact),
            "invoice" => data.Invoice(contact),
            "rtn_offerrecommendation" => data.OfferRecommendation(contact, Names.Choices.RecommendationDeclined),
            "email" or "phonecall" => data.Activity(step.PrimaryEntity, contact),
            _ => throw new InvalidOperationException($"No producer for {step.PrimaryEntity}."),
        };
        pipeline.Event(step.Message, step.PrimaryEntity, row.Id);
        if (step.Message == "Delete")
        {
            pipeline.Target(row.ToEntityReference());
        }
        else
        {
            pipeline.Target(step.Message == "Create" ? row : DataProducer.Slice(row, step.FilteringAttributes.Where(row.Contains).Take(1).ToArray()));
        }

        foreach (var image in step.Images)
        {
            var slice = DataProducer.Slice(row, image.Attributes.ToArray());
            _ = image.Alias == PluginNames.PreImage ? pipeline.PreImage(slice) : pipeline.PostImage(slice);
        }

        pipeline.Run(new RescoreTrigger(step.UnsecureConfiguration, string.Empty));
        return (pipeline, contact.Id, row.Id);
    }
}
