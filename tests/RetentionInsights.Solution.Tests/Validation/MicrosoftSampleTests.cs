using RetentionInsights.Solution.Tests.Support;
using RetentionInsights.Solution.Validation;

namespace RetentionInsights.Solution.Tests.Validation;

/// <summary>Real exports from microsoft/PowerApps-Samples must pass: the validator may not reject what Dataverse itself produced.</summary>
public sealed class MicrosoftSampleTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var zip in Directory.GetFiles(Paths.SampleSolutions, "*.zip").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(zip));
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Validate_MicrosoftSampleSolution_ReportsNoErrors(string zip)
    {
        var report = PackedSolution.Validator().Validate(Path.Combine(Paths.SampleSolutions, zip));

        Assert.False(report.HasErrors, string.Join("\n", report.Errors));
        Assert.NotNull(report.SolutionUniqueName);
    }

    [Fact]
    public void Validate_SamplesDirectory_HoldsTheEightKnownSamples()
    {
        // Guards the theory above against silently validating nothing.
        Assert.Equal(8, Directory.GetFiles(Paths.SampleSolutions, "*.zip").Length);
    }

    [Fact]
    public void Validate_RecentExportWithElementsNewerThanTheSchema_WarnsInsteadOfFailing()
    {
        var report = PackedSolution.Validator().Validate(Path.Combine(Paths.SampleSolutions, "ColumnLevelSecuritySampleSolution.zip"));

        Assert.Contains(report.Warnings, w => w.Code == "xsd-newer" && w.Message.Contains("<IsRetrievable>", StringComparison.Ordinal));
        Assert.Contains(report.Warnings, w => w.Code == "xsd-newer" && w.Message.Contains("'OrganizationVersion'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SampleWithConnectionReferences_WarnsAboutTheNewerSection()
    {
        var report = PackedSolution.Validator().Validate(Path.Combine(Paths.SampleSolutions, "Contoso_sample_1_0_0_1_managed.zip"));

        Assert.Contains(report.Warnings, w => w.Message.Contains("<connectionreferences>", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ManagedSampleNamedWithoutSuffix_OnlyWarns()
    {
        var report = PackedSolution.Validator().Validate(Path.Combine(Paths.SampleSolutions, "CodeInterpreterControlSolution.zip"));

        Assert.Contains(report.Warnings, w => w.Code == "managed-flag");
        Assert.DoesNotContain(report.Errors, e => e.Code == "managed-flag");
    }

    [Fact]
    public void Validate_SampleShippingAnotherPublishersCustomApis_OnlyWarnsAboutThePrefix()
    {
        var report = PackedSolution.Validator().Validate(Path.Combine(Paths.SampleSolutions, "ExportDataUsingFetchXmlToAnnotation_1_0_0_0_managed.zip"));

        Assert.Contains(report.Warnings, w => w.Code == "prefix" && w.Message.Contains("sample_ExportDataUsingFetchXmlToAnnotation", StringComparison.Ordinal));
        Assert.False(report.HasErrors);
    }
}
