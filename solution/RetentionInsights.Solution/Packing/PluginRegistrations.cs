using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetentionInsights.Solution.Packing;

/// <summary>plugins/RetentionInsights.Plugins/registrations.json: the plug-in engineer's one declaration of steps and Custom APIs.</summary>
public sealed record PluginRegistrations
{
    public required string AssemblyName { get; init; }
    public IReadOnlyList<PluginRegistration> Plugins { get; init; } = [];
    public IReadOnlyList<CustomApiRegistration> CustomApis { get; init; } = [];
    public IReadOnlyList<ServiceEndpointRegistration> ServiceEndpoints { get; init; } = [];

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static PluginRegistrations Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize<PluginRegistrations>(stream, Options) ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}

public sealed record PluginRegistration
{
    public required string TypeName { get; init; }
    public string? FriendlyName { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<StepRegistration> Steps { get; init; } = [];
}

public sealed record StepRegistration
{
    public required string Name { get; init; }
    public required string Message { get; init; }
    public string? PrimaryEntity { get; init; }
    public int Stage { get; init; } = 40;
    public int Mode { get; init; }
    public int Rank { get; init; } = 1;
    public IReadOnlyList<string> FilteringAttributes { get; init; } = [];
    public string? UnsecureConfiguration { get; init; }
    public string? Description { get; init; }
    public bool AsyncAutoDelete { get; init; }
    public IReadOnlyList<ImageRegistration> Images { get; init; } = [];
}

public sealed record ImageRegistration
{
    public required string Alias { get; init; }
    public int ImageType { get; init; }
    public string MessagePropertyName { get; init; } = "Target";
    public IReadOnlyList<string> Attributes { get; init; } = [];
}

public sealed record CustomApiRegistration
{
    public required string UniqueName { get; init; }
    public required string DisplayName { get; init; }
    public string? Description { get; init; }
    public int BindingType { get; init; }
    public string? BoundEntityLogicalName { get; init; }
    public bool IsFunction { get; init; }
    public bool IsPrivate { get; init; }
    public int AllowedCustomProcessingStepType { get; init; }
    public required string PluginTypeName { get; init; }
    public string? ExecutePrivilegeName { get; init; }
    public IReadOnlyList<CustomApiParameter> RequestParameters { get; init; } = [];
    public IReadOnlyList<CustomApiParameter> ResponseProperties { get; init; } = [];
}

public sealed record CustomApiParameter
{
    public required string UniqueName { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }
    public int Type { get; init; }
    public bool IsOptional { get; init; }
    [JsonPropertyName("logicalEntityName")]
    public string? LogicalEntityName { get; init; }
}

/// <summary>The webhook the RescoreTrigger posts to; shipped with a fixed id so the steps' configuration can name it.</summary>
public sealed record ServiceEndpointRegistration
{
    public required string Name { get; init; }
    public required Guid ServiceEndpointId { get; init; }
    public string? Description { get; init; }
    public int Contract { get; init; } = 8;
    public int AuthType { get; init; } = 4;
    public int MessageFormat { get; init; } = 2;
    public string? Path { get; init; }
    public string? Url { get; init; }
}
