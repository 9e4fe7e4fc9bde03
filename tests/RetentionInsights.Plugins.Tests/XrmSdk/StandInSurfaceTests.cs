using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Xrm.Sdk;

namespace RetentionInsights.Plugins.Tests.XrmSdk;

/// <summary>
/// The stand-in must be indistinguishable from the official Microsoft.Xrm.Sdk to the compiler and the loader:
/// every public line of it (identity, types, members, signatures, modifiers) must appear in the official listing.
/// </summary>
public sealed class StandInSurfaceTests
{
    private static readonly Lazy<HashSet<string>> Official = new(() =>
        new HashSet<string>(File.ReadAllLines(TestPaths.XrmSdkListing), StringComparer.Ordinal));

    [Fact]
    public void Dump_Net10StandIn_EveryLineIsInTheOfficialListing()
    {
        var lines = ApiSurfaceDumper.Dump(typeof(Entity).Assembly);

        AssertSubsetOfOfficial(lines);
    }

    [Fact]
    public void Dump_Net462StandIn_EveryLineIsInTheOfficialListing()
    {
        Assert.True(File.Exists(TestPaths.Net462StandInAssembly), $"Build the net462 stand-in first: {TestPaths.Net462StandInAssembly}");
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var paths = Directory.GetFiles(runtime, "*.dll").Append(TestPaths.Net462StandInAssembly);
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
        var assembly = context.LoadFromAssemblyPath(TestPaths.Net462StandInAssembly);

        var lines = ApiSurfaceDumper.Dump(assembly);

        AssertSubsetOfOfficial(lines);
        Assert.Equal(ApiSurfaceDumper.Dump(typeof(Entity).Assembly), lines);
    }

    [Fact]
    public void Dump_StandIn_HasTheOfficialIdentityAndTheTypesThePlugInsUse()
    {
        var lines = ApiSurfaceDumper.Dump(typeof(Entity).Assembly);

        Assert.Equal("A Microsoft.Xrm.Sdk, Version=9.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35", lines[0]);
        Assert.Contains("T Microsoft.Xrm.Sdk.Entity : class, base System.Object", lines);
        Assert.Contains("M Microsoft.Xrm.Sdk.Entity :: T GetAttributeValue<T>(System.String attributeLogicalName) [virtual]", lines);
        Assert.Contains("P Microsoft.Xrm.Sdk.Entity :: System.Object Item[System.String attributeName] { get; set; }", lines);
        Assert.Contains("M Microsoft.Xrm.Sdk.ITracingService :: System.Void Trace(System.String format, params System.Object[] args) [abstract]", lines);
        Assert.Contains("C Microsoft.Xrm.Sdk.DataCollection<TKey,TValue> :: .ctor() [protected internal]", lines);
        Assert.Contains("M Microsoft.Xrm.Sdk.DataCollection<TKey,TValue> :: System.Boolean TryGetValue(TKey key, out TValue value)", lines);
        Assert.Contains("F Microsoft.Xrm.Sdk.PluginHttpStatusCode :: GatewayTimeout = 504", lines);
        Assert.Contains("I Microsoft.Xrm.Sdk.IPluginExecutionContext2 : Microsoft.Xrm.Sdk.IPluginExecutionContext", lines);
        var assembly = typeof(Entity).Assembly;
        const BindingFlags declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var visibleMethods = assembly.GetExportedTypes().Sum(t => t.GetMethods(declared).Count(m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly));
        Assert.Equal(assembly.GetExportedTypes().Length, lines.Count(l => l.StartsWith("T ", StringComparison.Ordinal)));
        Assert.Equal(visibleMethods, lines.Count(l => l.StartsWith("M ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Dump_DumperItself_FlagsASignatureThatDiffersFromTheOfficialSdk()
    {
        // Our own plug-in assembly is not the SDK: its lines must be reported, which proves the check can fail.
        var lines = ApiSurfaceDumper.Dump(typeof(RescoreTrigger).Assembly);

        var unknown = lines.Where(l => !Official.Value.Contains(l)).ToList();

        Assert.Contains(unknown, l => l.StartsWith("T RetentionInsights.Plugins.RescoreTrigger : sealed class, base RetentionInsights.Plugins.Execution.PluginBase", StringComparison.Ordinal));
        Assert.Contains(unknown, l => l.StartsWith("A RetentionInsights.Plugins, Version=", StringComparison.Ordinal));
    }

    private static void AssertSubsetOfOfficial(IReadOnlyList<string> lines)
    {
        var missing = lines.Where(l => !Official.Value.Contains(l)).ToList();
        Assert.True(missing.Count == 0, "Stand-in lines not in Microsoft.Xrm.Sdk.api.txt:\n" + string.Join("\n", missing));
    }
}
