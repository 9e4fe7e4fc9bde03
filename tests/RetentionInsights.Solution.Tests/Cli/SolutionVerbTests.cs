using System.Diagnostics;
using System.Text.Json;
using RetentionInsights.Solution.Tests.Support;

namespace RetentionInsights.Solution.Tests.Cli;

/// <summary>`rtn solution validate` as an admin or a pipeline runs it: exit codes and the --json shape.</summary>
[Collection(PackedSolutionCollection.Name)]
public sealed class SolutionVerbTests(PackedSolution packed)
{
    private static (int ExitCode, string Stdout, string Stderr) Rtn(params string[] args)
    {
        var rtn = Path.Combine(Paths.RepositoryRoot, "functions", "RetentionInsights.Cli", "bin", "Release", "net10.0", "rtn.dll");
        Assert.True(File.Exists(rtn), $"{rtn} is missing: build functions/RetentionInsights.Cli in Release first.");
        var start = new ProcessStartInfo("dotnet", [rtn, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["RTN_SHARED_DIR"] = Paths.SharedDirectory;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    [Fact]
    public void SolutionValidate_PackedZipWithJson_ExitsZeroWithValidTrue()
    {
        var (code, stdout, stderr) = Rtn("solution", "validate", packed.ManagedZip, "--json", "--expect", "managed");

        Assert.True(code == 0, stderr + stdout);
        using var json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("RetentionInsights", json.RootElement.GetProperty("solution").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public void SolutionValidate_BrokenZip_ExitsNonZeroAndListsTheError()
    {
        var broken = Path.Combine(packed.OutputDirectory, "broken_managed.zip");
        var package = ZipEditor.WithXmlChange(packed.ManagedZip, "customizations.xml", doc =>
            doc.Descendants("cell").First(c => (string)c.Attribute("name")! == "rtn_clv36m").SetAttributeValue("name", "rtn_clv99m"));
        WriteZip(package, broken);

        var (code, stdout, _) = Rtn("solution", "validate", broken, "--json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Contains(json.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("message").GetString()!.Contains("rtn_clv99m", StringComparison.Ordinal));
    }

    [Fact]
    public void SolutionValidate_WithoutJson_PrintsAVerdictAPersonCanRead()
    {
        var (code, stdout, stderr) = Rtn("solution", "validate", packed.UnmanagedZip, "--expect", "unmanaged");

        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("valid: 0 errors", stdout, StringComparison.Ordinal);
        Assert.Contains("RetentionInsights", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void SolutionValidate_MissingFile_ExitsTwoWithTheFileName()
    {
        var (code, _, stderr) = Rtn("solution", "validate", "/nonexistent/Nothing_managed.zip");

        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/Nothing_managed.zip", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SolutionValidate_NotAZip_ExitsTwoWithoutAStackTrace()
    {
        var file = Path.Combine(packed.OutputDirectory, "notes.zip");
        File.WriteAllText(file, "not a zip");

        var (code, _, stderr) = Rtn("solution", "validate", file);

        Assert.Equal(2, code);
        Assert.Contains("notes.zip", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static void WriteZip(RetentionInsights.Solution.Validation.SolutionPackage package, string path)
    {
        using var stream = File.Create(path);
        using var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create);
        foreach (var name in package.Paths)
        {
            using var entry = zip.CreateEntry(name).Open();
            entry.Write(package.Bytes(name));
        }
    }
}
