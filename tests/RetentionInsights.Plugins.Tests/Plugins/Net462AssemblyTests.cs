using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text.Json;

namespace RetentionInsights.Plugins.Tests.Plugins;

/// <summary>
/// Inspects the net462 Release build (the DLL Dataverse loads and the solution packer ships) without loading it:
/// signed with the project's key, bound to the official SDK identity, depending on nothing but the framework, and
/// calling only SDK members that exist in the official listing.
/// </summary>
public sealed class Net462AssemblyTests : IDisposable
{
    private const string SdkName = "Microsoft.Xrm.Sdk";
    private const string SdkToken = "31bf3856ad364e35";

    private readonly FileStream _file;
    private readonly PEReader _pe;
    private readonly MetadataReader _metadata;

    public Net462AssemblyTests()
    {
        Assert.True(File.Exists(TestPaths.Net462PluginAssembly), $"The net462 build is missing: {TestPaths.Net462PluginAssembly}");
        _file = File.OpenRead(TestPaths.Net462PluginAssembly);
        _pe = new PEReader(_file);
        _metadata = _pe.GetMetadataReader();
    }

    public void Dispose()
    {
        _pe.Dispose();
        _file.Dispose();
    }

    [Fact]
    public void PluginDll_Net462Build_TargetsNetFramework462()
    {
        var target = _metadata.GetAssemblyDefinition().GetCustomAttributes()
            .Select(h => _metadata.GetCustomAttribute(h))
            .Where(a => AttributeTypeName(a) == "System.Runtime.Versioning.TargetFrameworkAttribute")
            .Select(a => a.DecodeValue(new StringOnlyProvider()).FixedArguments[0].Value as string)
            .Single();

        Assert.Equal(".NETFramework,Version=v4.6.2", target);
    }

    [Fact]
    public void PluginDll_Net462Build_IsStrongNameSignedWithTheProjectsKey()
    {
        var corHeader = _pe.PEHeaders.CorHeader!;
        Assert.True(corHeader.Flags.HasFlag(CorFlags.StrongNameSigned), "StrongNameSigned flag is not set.");

        var publicKey = _metadata.GetBlobBytes(_metadata.GetAssemblyDefinition().PublicKey);
        Assert.Equal(ProjectPublicKeyBlob(), publicKey);

        Assert.True(StrongNameVerifier.Verify(File.ReadAllBytes(TestPaths.Net462PluginAssembly)), "The strong-name signature does not verify.");
    }

    [Fact]
    public void StrongNameVerifier_TamperedCopyOrPublicSignedStandIn_DoesNotVerify()
    {
        var image = File.ReadAllBytes(TestPaths.Net462PluginAssembly);
        var text = _pe.PEHeaders.SectionHeaders.First(s => s.Name == ".text");
        image[text.PointerToRawData + (text.SizeOfRawData / 2)] ^= 0x5A;

        Assert.False(StrongNameVerifier.Verify(image));
        Assert.False(StrongNameVerifier.Verify(File.ReadAllBytes(TestPaths.Net462StandInAssembly)));
    }

    [Fact]
    public void PluginDll_Net462Build_ReferencesOnlyFrameworkAssembliesAndTheOfficialSdkIdentity()
    {
        var framework = FrameworkReferenceAssemblies();
        var references = _metadata.AssemblyReferences.Select(h => _metadata.GetAssemblyReference(h)).ToList();

        var sdk = Assert.Single(references, r => _metadata.GetString(r.Name) == SdkName);
        Assert.Equal(new Version(9, 0, 0, 0), sdk.Version);
        Assert.True(sdk.Culture.IsNil, "The SDK reference must be culture neutral.");
        Assert.Equal(SdkToken, Token(_metadata.GetBlobBytes(sdk.PublicKeyOrToken)));

        foreach (var reference in references.Where(r => _metadata.GetString(r.Name) != SdkName))
        {
            var name = _metadata.GetString(reference.Name);
            var identity = $"{name}, Version={reference.Version}, PublicKeyToken={Token(_metadata.GetBlobBytes(reference.PublicKeyOrToken))}";
            Assert.True(framework.Contains(identity), $"{identity} is not a .NET Framework 4.6.2 assembly; the sandbox cannot load it.");
        }
    }

    [Fact]
    public void PluginDll_Net462Build_UsesOnlySdkTypesAndMembersOfTheOfficialListing()
    {
        var listing = SdkReferenceIndex.ReadListing(File.ReadLines(TestPaths.XrmSdkListing));

        var (types, members) = SdkReferenceIndex.ReadReferences(_metadata, SdkName);

        var unknown = types.Where(t => !listing.Types.Contains(t)).Concat(members.Where(m => !listing.Members.Contains(m))).ToList();
        Assert.True(unknown.Count == 0, "Referenced but not in Microsoft.Xrm.Sdk.api.txt:\n" + string.Join("\n", unknown));
        // The check only means something if it saw what the plug-ins obviously call.
        Assert.Contains("Microsoft.Xrm.Sdk.ITracingService::Trace`0(System.String,System.Object[])->System.Void", members);
        Assert.Contains("Microsoft.Xrm.Sdk.IServiceEndpointNotificationService::Execute`0(Microsoft.Xrm.Sdk.EntityReference,Microsoft.Xrm.Sdk.IExecutionContext)->System.String", members);
        Assert.Contains("Microsoft.Xrm.Sdk.DataCollection`2::TryGetValue`0(!0,!1&)->System.Boolean", members);
        Assert.Contains("Microsoft.Xrm.Sdk.Entity::GetAttributeValue`1(System.String)->!!0", members);
        Assert.Contains("Microsoft.Xrm.Sdk.InvalidPluginExecutionException", types);
    }

    [Fact]
    public void PluginDll_Net462Build_NeverBlocksOnATaskNorSleepsInTheSandbox()
    {
        var types = _metadata.TypeReferences.Select(h => _metadata.GetTypeReference(h))
            .Select(t => _metadata.GetString(t.Namespace) + "." + _metadata.GetString(t.Name)).ToList();
        var members = _metadata.MemberReferences.Select(h => _metadata.GetMemberReference(h))
            .Where(m => m.Parent.Kind == HandleKind.TypeReference)
            .Select(m =>
            {
                var parent = _metadata.GetTypeReference((TypeReferenceHandle)m.Parent);
                return _metadata.GetString(parent.Namespace) + "." + _metadata.GetString(parent.Name) + "::" + _metadata.GetString(m.Name);
            }).ToList();

        Assert.Contains("System.Net.HttpWebRequest", types);
        Assert.DoesNotContain(types, t => t.StartsWith("System.Threading.Tasks.", StringComparison.Ordinal));
        Assert.DoesNotContain(types, t => t.StartsWith("System.Net.Http.", StringComparison.Ordinal));
        Assert.DoesNotContain("System.Runtime.CompilerServices.TaskAwaiter", types);
        Assert.DoesNotContain("System.Threading.Thread::Sleep", members);
    }

    [Fact]
    public void PluginOutput_Net462Build_DoesNotCarryTheStandInSdk()
    {
        var folder = Path.GetDirectoryName(TestPaths.Net462PluginAssembly)!;

        Assert.False(File.Exists(Path.Combine(folder, SdkName + ".dll")), "The stand-in must never sit next to the plug-in DLL: it would be packed.");
    }

    [Fact]
    public void ListingIndex_MemberTheSdkDoesNotHave_IsNotInTheListing()
    {
        var listing = SdkReferenceIndex.ReadListing(File.ReadLines(TestPaths.XrmSdkListing));

        Assert.Contains("Microsoft.Xrm.Sdk.Entity::GetAttributeValue`1(System.String)->!!0", listing.Members);
        Assert.DoesNotContain("Microsoft.Xrm.Sdk.Entity::GetAttributeValue`1(System.Int32)->!!0", listing.Members);
        Assert.DoesNotContain("Microsoft.Xrm.Sdk.InvalidPluginExecutionException::.ctor`0(System.String,System.Int32)->System.Void", listing.Members);
    }

    private static string Token(byte[] publicKeyOrToken)
    {
        var token = publicKeyOrToken.Length == 8 ? publicKeyOrToken : SHA1.HashData(publicKeyOrToken)[^8..].Reverse().ToArray();
        return Convert.ToHexString(token).ToLowerInvariant();
    }

    /// <summary>The public half of the committed .snk, in the metadata PublicKey layout (12-byte header + PUBLICKEYBLOB).</summary>
    private static byte[] ProjectPublicKeyBlob()
    {
        var snk = File.ReadAllBytes(Path.Combine(TestPaths.PluginProjectDirectory, "RetentionInsights.Plugins.snk"));
        Assert.Equal(0x07, snk[0]);
        var bitLength = BitConverter.ToInt32(snk, 12);
        var modulus = snk.AsSpan(20, bitLength / 8).ToArray();
        var blob = new List<byte>();
        blob.AddRange(BitConverter.GetBytes(0x00002400));
        blob.AddRange(BitConverter.GetBytes(0x00008004));
        blob.AddRange(BitConverter.GetBytes(20 + modulus.Length));
        blob.AddRange([0x06, 0x02, 0x00, 0x00]);
        blob.AddRange(BitConverter.GetBytes(0x00002400));
        blob.AddRange(BitConverter.GetBytes(0x31415352));
        blob.AddRange(snk.AsSpan(12, 8).ToArray());
        blob.AddRange(modulus);
        return blob.ToArray();
    }

    /// <summary>Identities of the .NET Framework 4.6.2 reference assemblies the build compiled against.</summary>
    private static HashSet<string> FrameworkReferenceAssemblies()
    {
        var assets = Path.Combine(TestPaths.PluginProjectDirectory, "obj", "project.assets.json");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        var packageFolders = document.RootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name);
        var library = document.RootElement.GetProperty("libraries").EnumerateObject()
            .Single(l => l.Name.StartsWith("Microsoft.NETFramework.ReferenceAssemblies.net462/", StringComparison.OrdinalIgnoreCase));
        var relative = library.Value.GetProperty("path").GetString()!;
        var folder = packageFolders.Select(root => Path.Combine(root, relative, "build", ".NETFramework", "v4.6.2")).First(Directory.Exists);

        var identities = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dll in Directory.GetFiles(folder, "*.dll"))
        {
            using var stream = File.OpenRead(dll);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                continue;
            }

            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly)
            {
                continue;
            }

            var definition = reader.GetAssemblyDefinition();
            identities.Add($"{reader.GetString(definition.Name)}, Version={definition.Version}, PublicKeyToken={Token(reader.GetBlobBytes(definition.PublicKey))}");
        }

        Assert.Contains(identities, i => i.StartsWith("mscorlib, Version=4.0.0.0", StringComparison.Ordinal));
        return identities;
    }

    private string AttributeTypeName(CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return string.Empty;
        }

        var parent = _metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent;
        if (parent.Kind != HandleKind.TypeReference)
        {
            return string.Empty;
        }

        var type = _metadata.GetTypeReference((TypeReferenceHandle)parent);
        return _metadata.GetString(type.Namespace) + "." + _metadata.GetString(type.Name);
    }

    private sealed class StringOnlyProvider : ICustomAttributeTypeProvider<string>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => "System.Type";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => "?";

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => "?";

        public string GetTypeFromSerializedName(string name) => name;

        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(string type) => type == "System.Type";
    }
}
