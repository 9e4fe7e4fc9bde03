using System.Text.Json;

namespace RetentionInsights.Plugins.Tests.Plugins;

/// <summary>Test-side reading of plugins/RetentionInsights.Plugins/registrations.json (the packer reads the same file).</summary>
public sealed record RegistrationManifest(string AssemblyName, IReadOnlyList<ServiceEndpointDeclaration> ServiceEndpoints,
    IReadOnlyList<PluginDeclaration> Plugins, IReadOnlyList<CustomApiDeclaration> CustomApis)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static RegistrationManifest Load(string? path = null)
    {
        using var stream = File.OpenRead(path ?? TestPaths.RegistrationManifest);
        return JsonSerializer.Deserialize<RegistrationManifest>(stream, Options)
            ?? throw new InvalidDataException("registrations.json is empty.");
    }

    public IEnumerable<(PluginDeclaration Plugin, StepDeclaration Step)> Steps =>
        Plugins.SelectMany(p => p.Steps.Select(s => (p, s)));
}

public sealed record ServiceEndpointDeclaration(string Name, Guid ServiceEndpointId, int Contract, int AuthType, int MessageFormat, string Path);

public sealed record PluginDeclaration(string TypeName, string FriendlyName, string Description, IReadOnlyList<StepDeclaration> Steps);

public sealed record StepDeclaration(string Name, string Message, string PrimaryEntity, int Stage, int Mode, int Rank,
    IReadOnlyList<string> FilteringAttributes, string UnsecureConfiguration, bool AsyncAutoDelete, IReadOnlyList<ImageDeclaration> Images)
{
    public override string ToString() => Name;
}

public sealed record ImageDeclaration(string Alias, int ImageType, string MessagePropertyName, IReadOnlyList<string> Attributes);

public sealed record CustomApiDeclaration(string UniqueName, string DisplayName, string Description, int BindingType,
    string BoundEntityLogicalName, bool IsFunction, int AllowedCustomProcessingStepType, string PluginTypeName,
    IReadOnlyList<CustomApiParameter> RequestParameters, IReadOnlyList<CustomApiParameter> ResponseProperties, string? ExecutePrivilegeName);

public sealed record CustomApiParameter(string UniqueName, string DisplayName, int Type);
