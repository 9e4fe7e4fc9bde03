using System.Xml.Linq;

namespace RetentionInsights.Solution.Packing;

/// <summary>
/// Plug-in assembly, types, steps, images and Custom API files generated from registrations.json and the built DLL's
/// identity. Ids are name-based so an upgrade updates the same steps instead of adding duplicates.
/// </summary>
public sealed class PluginXmlBuilder(PluginRegistrations registrations, AssemblyIdentity identity)
{
    /// <summary>sdkmessageid values are the same in every org.</summary>
    private static readonly Dictionary<string, string> MessageIds = new(StringComparer.Ordinal)
    {
        ["Create"] = "9ebdbb1b-ea3e-db11-86a7-000a3a5473e8",
        ["Update"] = "20bebb1b-ea3e-db11-86a7-000a3a5473e8",
        ["Delete"] = "a1bdbb1b-ea3e-db11-86a7-000a3a5473e8",
        ["Execute"] = "a6bdbb1b-ea3e-db11-86a7-000a3a5473e8",
        ["SetState"] = "1cbebb1b-ea3e-db11-86a7-000a3a5473e8",
        ["SetStateDynamicEntity"] = "1dbebb1b-ea3e-db11-86a7-000a3a5473e8",
    };

    public Guid AssemblyId => DeterministicGuid.Create("pluginassembly/" + identity.Name);

    /// <summary>Zip path of the DLL: PluginAssemblies/&lt;Name&gt;-&lt;ID UPPERCASE&gt;/&lt;Name&gt;.dll, as exports lay it out.</summary>
    public string DllPath => $"PluginAssemblies/{identity.Name.Replace(".", "", StringComparison.Ordinal)}-{AssemblyId.ToString().ToUpperInvariant()}/{identity.Name}.dll";

    public static Guid TypeId(string typeName) => DeterministicGuid.Create("plugintype/" + typeName);

    public static Guid StepId(string stepName) => DeterministicGuid.Create("step/" + stepName);

    private IEnumerable<string> TypeNames =>
        registrations.Plugins.Select(p => p.TypeName).Concat(registrations.CustomApis.Select(a => a.PluginTypeName)).Distinct(StringComparer.Ordinal);

    public XElement PluginAssembly()
    {
        if (!string.Equals(registrations.AssemblyName, identity.Name, StringComparison.Ordinal))
            throw new InvalidDataException($"registrations.json names assembly '{registrations.AssemblyName}' but the DLL is '{identity.Name}'.");
        return new XElement("PluginAssembly", new XAttribute("FullName", identity.FullName), new XAttribute("PluginAssemblyId", AssemblyId), new XAttribute("CustomizationLevel", 1),
            new XElement("IsolationMode", 2),
            new XElement("SourceType", 0),
            new XElement("IntroducedVersion", "1.0"),
            new XElement("FileName", "/" + DllPath),
            new XElement("PluginTypes", TypeNames.Select(typeName =>
                new XElement("PluginType", new XAttribute("AssemblyQualifiedName", $"{typeName}, {identity.FullName}"), new XAttribute("PluginTypeId", TypeId(typeName)),
                    new XAttribute("Name", typeName),
                    new XElement("FriendlyName", registrations.Plugins.FirstOrDefault(p => p.TypeName == typeName)?.FriendlyName ?? typeName)))));
    }

    public IEnumerable<(Guid Id, XElement Step)> Steps()
    {
        foreach (var plugin in registrations.Plugins)
        {
            foreach (var step in plugin.Steps)
            {
                if (!MessageIds.TryGetValue(step.Message, out var messageId))
                    throw new InvalidDataException($"registrations.json: step '{step.Name}' uses message '{step.Message}', whose sdkmessageid the packer does not know ({string.Join(", ", MessageIds.Keys)}).");
                var id = StepId(step.Name);
                var element = new XElement("SdkMessageProcessingStep", new XAttribute("Name", step.Name), new XAttribute("SdkMessageProcessingStepId", "{" + id + "}"),
                    new XElement("SdkMessageId", messageId),
                    new XElement("PluginTypeName", $"{plugin.TypeName}, {identity.FullName}"),
                    new XElement("PluginTypeId", TypeId(plugin.TypeName)),
                    new XElement("PrimaryEntity", step.PrimaryEntity ?? "none"),
                    new XElement("AsyncAutoDelete", step.AsyncAutoDelete ? 1 : 0),
                    step.UnsecureConfiguration is { Length: > 0 } config ? new XElement("Configuration", config) : null,
                    new XElement("Description", step.Description ?? plugin.Description ?? step.Name),
                    new XElement("FilteringAttributes", string.Join(",", step.FilteringAttributes)),
                    new XElement("InvocationSource", 0),
                    new XElement("Mode", step.Mode),
                    new XElement("Rank", step.Rank),
                    new XElement("EventHandlerTypeCode", 4602),
                    new XElement("Stage", step.Stage),
                    new XElement("IsCustomizable", 1),
                    new XElement("IsHidden", 0),
                    new XElement("SupportedDeployment", 0),
                    new XElement("IntroducedVersion", "1.0"),
                    new XElement("SdkMessageProcessingStepImages", step.Images.Select(image =>
                        new XElement("SdkMessageProcessingStepImage", new XAttribute("Name", image.Alias),
                            new XElement("SdkMessageProcessingStepImageId", DeterministicGuid.Create($"image/{step.Name}/{image.Alias}")),
                            new XElement("Attributes", string.Join(",", image.Attributes)),
                            new XElement("EntityAlias", image.Alias),
                            new XElement("ImageType", image.ImageType),
                            new XElement("MessagePropertyName", image.MessagePropertyName),
                            new XElement("IsCustomizable", 1),
                            new XElement("IntroducedVersion", "1.0")))));
                yield return (id, element);
            }
        }
    }

    /// <summary>
    /// Service endpoints in the 9.0 schema order. The real URL and key are per environment: an admin sets them after import
    /// (docs/admin-guide.md), so a placeholder that is not a valid absolute URL is replaced by one under .invalid.
    /// </summary>
    public IEnumerable<XElement> ServiceEndpoints() => registrations.ServiceEndpoints.Select(endpoint =>
        new XElement("ServiceEndpoint", new XAttribute("ServiceEndpointId", "{" + endpoint.ServiceEndpointId + "}"), new XAttribute("Name", endpoint.Name),
            new XAttribute("Description", endpoint.Description ?? endpoint.Name),
            new XElement("ConnectionMode", 1),
            new XElement("Contract", endpoint.Contract),
            new XElement("Description", endpoint.Description ?? endpoint.Name),
            new XElement("Path", endpoint.Path ?? ""),
            new XElement("SolutionNamespace", ""),
            new XElement("UserClaim", 1),
            new XElement("IsCustomizable", 1),
            new XElement("AuthType", endpoint.AuthType),
            new XElement("MessageFormat", endpoint.MessageFormat),
            new XElement("NamespaceAddress", ""),
            new XElement("NamespaceFormat", 2),
            new XElement("Url", PlaceholderSafeUrl(endpoint))));

    public static string PlaceholderSafeUrl(ServiceEndpointRegistration endpoint) =>
        Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
            ? uri.ToString()
            : $"https://scoring-service.invalid{endpoint.Path ?? "/api/dataverse/events"}";

    /// <summary>customapis/&lt;name&gt;/... files, exactly the shape Microsoft's exported Custom API samples have.</summary>
    public IEnumerable<(string Path, XElement Content)> CustomApiFiles()
    {
        foreach (var api in registrations.CustomApis)
        {
            if (!TypeNames.Contains(api.PluginTypeName, StringComparer.Ordinal))
                throw new InvalidDataException($"registrations.json: Custom API '{api.UniqueName}' names unknown plug-in type '{api.PluginTypeName}'.");
            var folder = $"customapis/{api.UniqueName}";
            yield return ($"{folder}/customapi.xml", new XElement("customapi", new XAttribute("uniquename", api.UniqueName),
                new XElement("allowedcustomprocessingsteptype", api.AllowedCustomProcessingStepType),
                new XElement("bindingtype", api.BindingType),
                new XElement("boundentitylogicalname", api.BoundEntityLogicalName),
                Localized("description", api.Description ?? api.DisplayName),
                Localized("displayname", api.DisplayName),
                api.ExecutePrivilegeName is null ? null : new XElement("executeprivilegename", api.ExecutePrivilegeName),
                new XElement("iscustomizable", 0),
                new XElement("isfunction", api.IsFunction ? 1 : 0),
                new XElement("isprivate", api.IsPrivate ? 1 : 0),
                new XElement("name", api.DisplayName),
                new XElement("plugintypeid", new XElement("plugintypeid", TypeId(api.PluginTypeName))),
                new XElement("workflowsdkstepenabled", 0)));
            foreach (var parameter in api.RequestParameters)
            {
                yield return ($"{folder}/customapirequestparameters/{parameter.UniqueName}/customapirequestparameter.xml",
                    new XElement("customapirequestparameter", new XAttribute("uniquename", parameter.UniqueName),
                        Localized("description", parameter.Description ?? parameter.DisplayName ?? parameter.UniqueName),
                        Localized("displayname", parameter.DisplayName ?? parameter.UniqueName),
                        new XElement("iscustomizable", 0),
                        new XElement("isoptional", parameter.IsOptional ? 1 : 0),
                        parameter.LogicalEntityName is null ? null : new XElement("logicalentityname", parameter.LogicalEntityName),
                        new XElement("name", parameter.DisplayName ?? parameter.UniqueName),
                        new XElement("type", parameter.Type)));
            }

            foreach (var property in api.ResponseProperties)
            {
                yield return ($"{folder}/customapiresponseproperties/{property.UniqueName}/customapiresponseproperty.xml",
                    new XElement("customapiresponseproperty", new XAttribute("uniquename", property.UniqueName),
                        Localized("description", property.Description ?? property.DisplayName ?? property.UniqueName),
                        Localized("displayname", property.DisplayName ?? property.UniqueName),
                        new XElement("iscustomizable", 0),
                        property.LogicalEntityName is null ? null : new XElement("logicalentityname", property.LogicalEntityName),
                        new XElement("name", property.DisplayName ?? property.UniqueName),
                        new XElement("type", property.Type)));
            }
        }
    }

    private static XElement Localized(string name, string text) =>
        new(name, new XAttribute("default", text), new XElement("label", new XAttribute("description", text), new XAttribute("languagecode", Labels.English)));
}
