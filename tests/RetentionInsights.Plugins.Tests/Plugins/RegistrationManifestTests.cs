using System.Reflection;
using Microsoft.Xrm.Sdk;
using RetentionInsights.Data.Metadata;
using RetentionInsights.Plugins.Configuration;
using RetentionInsights.Plugins.Rescoring;

namespace RetentionInsights.Plugins.Tests.Plugins;

/// <summary>
/// registrations.json is what the solution packer turns into steps, images and Custom APIs. It must agree with the
/// plug-in classes and with datamodel.json, or Dataverse would run steps the code cannot handle.
/// </summary>
public sealed class RegistrationManifestTests
{
    private static readonly RegistrationManifest Manifest = RegistrationManifest.Load();
    private static readonly Assembly PluginAssembly = typeof(RescoreTrigger).Assembly;
    private static readonly DataModel Model = DataModel.Current;

    public static TheoryData<string> StepNames()
    {
        var data = new TheoryData<string>();
        foreach (var (_, step) in Manifest.Steps)
        {
            data.Add(step.Name);
        }

        return data;
    }

    [Fact]
    public void Manifest_AssemblyName_IsThePlugInAssembly()
    {
        Assert.Equal(PluginAssembly.GetName().Name, Manifest.AssemblyName);
    }

    [Fact]
    public void Manifest_EveryTypeName_IsAPublicIPluginDataverseCanConstruct()
    {
        var declared = Manifest.Plugins.Select(p => p.TypeName).Concat(Manifest.CustomApis.Select(a => a.PluginTypeName));
        foreach (var typeName in declared)
        {
            var type = PluginAssembly.GetType(typeName);
            Assert.True(type != null, $"{typeName} is not a type in {Manifest.AssemblyName}.");
            Assert.True(type.IsPublic && !type.IsAbstract && typeof(IPlugin).IsAssignableFrom(type), $"{typeName} is not a public, concrete IPlugin.");
            var usable = new[] { Type.EmptyTypes, [typeof(string)], new[] { typeof(string), typeof(string) } };
            Assert.True(usable.Any(signature => type.GetConstructor(signature) != null), $"{typeName} has no constructor Dataverse uses.");
        }
    }

    [Fact]
    public void Manifest_EveryIPluginInTheAssembly_IsRegistered()
    {
        var registered = Manifest.Plugins.Select(p => p.TypeName).ToHashSet(StringComparer.Ordinal);
        var plugins = PluginAssembly.GetTypes().Where(t => t.IsPublic && !t.IsAbstract && typeof(IPlugin).IsAssignableFrom(t));

        Assert.All(plugins, t => Assert.Contains(t.FullName!, registered));
    }

    [Theory]
    [MemberData(nameof(StepNames))]
    public void Manifest_Step_IsAnAsyncPostOperationEventRescoreTriggerHandles(string stepName)
    {
        var (plugin, step) = Manifest.Steps.Single(s => s.Step.Name == stepName);

        Assert.Equal(typeof(RescoreTrigger).FullName, plugin.TypeName);
        Assert.NotNull(TriggerCatalogue.Find(step.PrimaryEntity, step.Message));
        Assert.Equal(40, step.Stage);
        Assert.Equal(1, step.Mode);
        Assert.True(step.AsyncAutoDelete, "Successful async jobs should not pile up in the system jobs table.");
    }

    [Theory]
    [MemberData(nameof(StepNames))]
    public void Manifest_FilteringAndImageAttributes_AreColumnsOfTheStepsTable(string stepName)
    {
        var step = Manifest.Steps.Single(s => s.Step.Name == stepName).Step;
        var table = Model.Table(step.PrimaryEntity);

        Assert.All(step.FilteringAttributes, column => Assert.True(table.HasColumn(column), $"{step.PrimaryEntity}.{column} is not in datamodel.json."));
        Assert.All(step.Images.SelectMany(i => i.Attributes), column => Assert.True(table.HasColumn(column), $"{step.PrimaryEntity}.{column} is not in datamodel.json."));
    }

    [Theory]
    [MemberData(nameof(StepNames))]
    public void Manifest_Step_FiltersUpdatesAndCarriesTheImagesTheCodeReads(string stepName)
    {
        var step = Manifest.Steps.Single(s => s.Step.Name == stepName).Step;
        var trigger = TriggerCatalogue.Find(step.PrimaryEntity, step.Message)!;

        if (step.Message == "Update")
        {
            Assert.NotEmpty(step.FilteringAttributes);
        }
        else
        {
            Assert.Empty(step.FilteringAttributes);
        }

        foreach (var image in step.Images)
        {
            Assert.Equal(image.Alias == PluginNames.PreImage ? 0 : 1, image.ImageType);
            Assert.Contains(image.Alias, new[] { PluginNames.PreImage, PluginNames.PostImage });
            Assert.Equal("Target", image.MessagePropertyName);
            Assert.False(step.Message == "Create" && image.Alias == PluginNames.PreImage, "Create has no pre-image.");
            Assert.False(step.Message == "Delete" && image.Alias == PluginNames.PostImage, "Delete has no post-image.");
        }

        if (step.Message == "Delete" && trigger.CustomerColumn != null)
        {
            var pre = Assert.Single(step.Images, i => i.Alias == PluginNames.PreImage);
            Assert.Contains(trigger.CustomerColumn!, pre.Attributes);
        }

        if (step.Message == "Update" && trigger.CustomerColumn != null)
        {
            var post = Assert.Single(step.Images, i => i.Alias == PluginNames.PostImage);
            Assert.Contains(trigger.CustomerColumn, post.Attributes);
        }
    }

    [Fact]
    public void Manifest_ContactUpdate_FiltersOutEveryScoreColumnSoTheServicesWritesDoNotLoop()
    {
        var step = Manifest.Steps.Single(s => s.Step.PrimaryEntity == "contact" && s.Step.Message == "Update").Step;
        var scoreColumns = Model.Table("contact").Columns.Where(c => c.Score).Select(c => c.Name).ToList();

        Assert.NotEmpty(scoreColumns);
        Assert.Empty(step.FilteringAttributes.Intersect(scoreColumns));
        Assert.DoesNotContain("modifiedon", step.FilteringAttributes);
        Assert.Contains("rtn_profilingoptout", step.FilteringAttributes);
    }

    [Fact]
    public void Manifest_EveryEventTheTriggerHandles_IsDeclaredExactlyOnce()
    {
        var declared = Manifest.Steps.Select(s => (s.Step.PrimaryEntity, s.Step.Message)).ToList();
        var handled = TriggerCatalogue.All.SelectMany(t => t.Messages.Select(m => (t.Table, m))).ToList();

        Assert.Equal(handled.Count, declared.Count);
        Assert.Equal(handled.OrderBy(x => x.Table).ThenBy(x => x.m), declared.OrderBy(x => x.PrimaryEntity).ThenBy(x => x.Message));
    }

    [Theory]
    [MemberData(nameof(StepNames))]
    public void Manifest_StepConfiguration_ParsesAndNamesTheDeclaredWebhookEndpoint(string stepName)
    {
        var step = Manifest.Steps.Single(s => s.Step.Name == stepName).Step;
        var endpoint = Assert.Single(Manifest.ServiceEndpoints);

        Assert.True(RescoreConfiguration.TryParse(step.UnsecureConfiguration, out var configuration, out var error), error);
        Assert.Equal(endpoint.ServiceEndpointId, configuration!.ServiceEndpointId);
        Assert.Equal(8, endpoint.Contract);
        Assert.Equal("/api/dataverse/events", endpoint.Path);
    }

    [Fact]
    public void Manifest_CustomApi_MatchesThePlugInsNamesAndTheContract()
    {
        var api = Assert.Single(Manifest.CustomApis);

        Assert.Equal(PluginNames.GetRetentionInsightsApi, api.UniqueName);
        Assert.Equal(typeof(GetRetentionInsights).FullName, api.PluginTypeName);
        Assert.Equal(1, api.BindingType);
        Assert.Equal(PluginNames.Contact.Table, api.BoundEntityLogicalName);
        Assert.True(api.IsFunction);
        Assert.Empty(api.RequestParameters);
        var output = Assert.Single(api.ResponseProperties);
        Assert.Equal(PluginNames.InsightsOutputParameter, output.UniqueName);
        Assert.Equal(10, output.Type);
    }

    [Fact]
    public void Manifest_CustomApi_IsGatedByAPrivilegeOfTheProductsOwnTables()
    {
        var api = Assert.Single(Manifest.CustomApis);

        // Without executeprivilegename anyone who can sign in could call it; the roles holding it are checked on the packed solution.
        Assert.Equal("prvReadrtn_offerrecommendation", api.ExecutePrivilegeName);
        Assert.True(Model.Tables.Any(t => api.ExecutePrivilegeName == "prvRead" + t.LogicalName), "The privilege names no table of datamodel.json.");
    }

    [Fact]
    public void Manifest_Webhook_IsTheEndpointTheTriggerPostsToByDefault()
    {
        var endpoint = Assert.Single(Manifest.ServiceEndpoints);

        Assert.Equal(endpoint.ServiceEndpointId, RescoreConfiguration.Default.ServiceEndpointId);
    }

    [Theory]
    [MemberData(nameof(StepNames))]
    public void Manifest_StepConfiguration_HoldsNothingThatDiffersPerEnvironment(string stepName)
    {
        var step = Manifest.Steps.Single(s => s.Step.Name == stepName).Step;

        Assert.DoesNotContain("scoringService", step.UnsecureConfiguration, StringComparison.OrdinalIgnoreCase);
    }
}
