using System.Reflection;
using Microsoft.Xrm.Sdk;
using RetentionInsights.Plugins.Execution;
using RetentionInsights.Plugins.Insights;
using RetentionInsights.Plugins.Tests.Fakes;

namespace RetentionInsights.Plugins.Tests.Execution;

/// <summary>
/// Dataverse caches one plug-in instance per step and calls it from many threads at once. The instance must hold
/// nothing an execution writes to: run many executions in parallel on one instance and check none sees another's data.
/// </summary>
public sealed class StatelessnessTests
{
    private const int Executions = 200;

    [Fact]
    public void PlugInTypes_Always_HaveOnlyReadonlyInstanceFields()
    {
        var pluginTypes = typeof(PluginBase).Assembly.GetTypes().Where(t => typeof(IPlugin).IsAssignableFrom(t));
        foreach (var type in pluginTypes)
        {
            for (var current = type; current != null && current != typeof(object); current = current.BaseType)
            {
                var writable = current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                    .Where(f => !f.IsInitOnly)
                    .Select(f => $"{current.Name}.{f.Name}");
                Assert.Empty(writable);
            }
        }
    }

    [Fact]
    public void Execute_RescoreTriggerInParallelOnOneInstance_EachPostCarriesItsOwnContact()
    {
        var plugin = new RescoreTrigger(StepConfigurations.Standard(), string.Empty);
        var runs = Enumerable.Range(0, Executions).Select(_ => CreateContactUpdate()).ToList();

        Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, run => run.Pipeline.Run(plugin));

        Assert.All(runs, run =>
            Assert.Equal(run.ContactId.ToString("D"), Assert.Single(run.Pipeline.Notifications.Posts).SharedVariables["rtn_contactid"]));
    }

    [Fact]
    public void Execute_GetRetentionInsightsInParallelOnOneInstance_EachCallerGetsItsOwnInsights()
    {
        var transport = new FakeInsightsTransport((uri, _) =>
            TransportResponse.Completed(200, "{\"contactId\":\"" + uri.Segments[^2].TrimEnd('/') + "\"}"));
        var plugin = new GetRetentionInsights(transport);
        var runs = Enumerable.Range(0, Executions).Select(_ => CreateInsightsCall()).ToList();

        Parallel.ForEach(runs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, run => run.Pipeline.Run(plugin));

        Assert.All(runs, run =>
            Assert.Equal("{\"contactId\":\"" + run.ContactId.ToString("D") + "\"}", run.Pipeline.Context.OutputParameters["Insights"]));
        Assert.Equal(Executions, transport.Calls.Count);
    }

    private static (FakePipeline Pipeline, Guid ContactId) CreateContactUpdate()
    {
        var pipeline = new FakePipeline();
        var contact = new DataProducer(pipeline.Service).Contact();
        pipeline.Event("Update", "contact", contact.Id).Target(DataProducer.Slice(contact, "donotphone"));
        return (pipeline, contact.Id);
    }

    private static (FakePipeline Pipeline, Guid ContactId) CreateInsightsCall()
    {
        var pipeline = new FakePipeline();
        var contact = new DataProducer(pipeline.Service).Contact();
        contact["rtn_churnprobability"] = 0.4m;
        pipeline.Service.EnvironmentVariables["rtn_ScoringEndpointUrl"] = "https://rtn-scoring.example.net";
        pipeline.Service.SecretEnvironmentVariables["rtn_ScoringApiKey"] = "key";
        pipeline.Event("rtn_GetRetentionInsights", "contact", contact.Id).Target(contact.ToEntityReference());
        return (pipeline, contact.Id);
    }
}
