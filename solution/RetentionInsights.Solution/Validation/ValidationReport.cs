namespace RetentionInsights.Solution.Validation;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>One problem found in a solution zip. <paramref name="Code"/> groups findings (xsd, reference, choice-prefix, ...).</summary>
public sealed record Finding(Severity Severity, string Code, string Message, string? Location = null)
{
    public override string ToString() =>
        $"{(Severity == Severity.Error ? "error" : "warning")} [{Code}] {Message}{(Location is null ? "" : $" ({Location})")}";
}

/// <summary>Everything the validator found in one zip; errors make the zip unfit to import.</summary>
public sealed class ValidationReport
{
    private readonly List<Finding> findings = [];

    public ValidationReport(string zipName) => ZipName = zipName;

    public string ZipName { get; }
    public string? SolutionUniqueName { get; internal set; }
    public string? Version { get; internal set; }
    public bool? Managed { get; internal set; }

    public IReadOnlyList<Finding> Findings => findings;
    public IEnumerable<Finding> Errors => findings.Where(f => f.Severity == Severity.Error);
    public IEnumerable<Finding> Warnings => findings.Where(f => f.Severity == Severity.Warning);
    public bool HasErrors => findings.Any(f => f.Severity == Severity.Error);

    internal void Error(string code, string message, string? location = null) => findings.Add(new Finding(Severity.Error, code, message, location));
    internal void Warning(string code, string message, string? location = null) => findings.Add(new Finding(Severity.Warning, code, message, location));
    internal void Add(Finding finding) => findings.Add(finding);
}
