namespace RetentionInsights.Solution.Validation;

/// <summary>The machine-readable shape of a report (`rtn solution validate --json`).</summary>
public sealed record ValidationJson(string Zip, string? Solution, string? Version, bool? Managed, bool Valid,
    IReadOnlyList<ValidationJson.Item> Errors, IReadOnlyList<ValidationJson.Item> Warnings)
{
    public sealed record Item(string Check, string Message, string? Location);

    public static ValidationJson From(ValidationReport report) => new(
        report.ZipName, report.SolutionUniqueName, report.Version, report.Managed, !report.HasErrors,
        report.Errors.Select(f => new Item(f.Code, f.Message, f.Location)).ToList(),
        report.Warnings.Select(f => new Item(f.Code, f.Message, f.Location)).ToList());
}
