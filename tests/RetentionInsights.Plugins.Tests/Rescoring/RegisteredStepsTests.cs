using Microsoft.Xrm.Sdk;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Plugins.Tests.Fakes;
using RetentionInsights.Plugins.Tests.Plugins;

namespace RetentionInsights.Plugins.Tests.Rescoring;

/// <summary>
/// Every step declared in registrations.json, run through the fake pipeline exactly as Dataverse would fill it
/// (Target per message, images with the declared columns, the declared configuration): each one must reach the
/// webhook with the right customer.
/// </summary>
public sealed class RegisteredStepsTests
{
    private static readonly RegistrationManifest Manifest = RegistrationManifest.Load();

    public static TheoryData<string> StepNames() => RegistrationManifestTests.StepNames();

    [Theory]
    [MemberData(nameof(StepNames))]
    public void Execute_DeclaredStep_PostsTheCustomerContact(string stepName)
    {
        var step = Manifest.Steps.Single(s => s.Step.Name == stepName).Step;
        var pipeline = new FakePipeline();
        var data = new DataProducer(pipeline.Service);
        var contact = data.Contact();
        var row = step.PrimaryEntity switch
        {
            "contact" => contact,
            "incident" => data.Incident(contact),
            "salesorder" => data.SalesOrder(contact),
            "invoice" => data.Invoice(contact),
            "rtn_offerrecommendation" => data.OfferRecommendation(contact, Names.Choices.RecommendationAccepted),
            "email" or "phonecall" => data.Activity(step.PrimaryEntity, contact),
            _ => throw new InvalidOperationException($"No producer for {step.PrimaryEntity}."),
        };
        pipeline.Event(step.Message, step.PrimaryEntity, row.Id);
        switch (step.Message)
        {
            case "Create":
                pipeline.Target(row);
                break;
            case "Update":
                pipeline.Target(DataProducer.Slice(row, step.FilteringAttributes.Where(row.Contains).Take(1).ToArray()));
                break;
            case "Delete":
                pipeline.Target(row.ToEntityReference());
                break;
        }

        foreach (var image in step.Images)
        {
            var slice = DataProducer.Slice(row, image.Attributes.ToArray());
            if (image.Alias == PluginNames.PreImage)
            {
                pipeline.PreImage(slice);
            }
            else
            {
                pipeline.PostImage(slice);
            }
        }

        pipeline.Run(new RescoreTrigger(step.UnsecureConfiguration, string.Empty));

        var post = Assert.Single(pipeline.Notifications.Posts);
        Assert.Equal(contact.Id.ToString("D"), post.SharedVariables[PluginNames.ContactIdSharedVariable]);
        Assert.Equal(0, pipeline.Service.RetrieveCount);
    }
}
