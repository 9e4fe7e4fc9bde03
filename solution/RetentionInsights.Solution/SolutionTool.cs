using RetentionInsights.Data.Metadata;
using RetentionInsights.Solution.Packing;
using RetentionInsights.Solution.Validation;

namespace RetentionInsights.Solution;

/// <summary>
/// Entry point of the packer/validator executable used by solution/build.sh:
///   pack --repo DIR --out DIR [--pcf DIR] [--plugin-dll FILE] [--registrations FILE]
///   validate ZIP... [--schemas DIR] [--expect managed|unmanaged] [--quiet]
/// Exit codes: 0 ok, 1 validation errors, 2 bad input.
/// </summary>
public static class SolutionTool
{
    public static int Run(string[] args)
    {
        try
        {
            return args.FirstOrDefault() switch
            {
                "pack" => Pack(Options.Parse(args[1..])),
                "validate" => Validate(Options.Parse(args[1..])),
                _ => Usage(),
            };
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or System.Xml.XmlException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: RetentionInsights.Solution pack --repo DIR --out DIR [--pcf DIR] [--plugin-dll FILE] [--registrations FILE]");
        Console.Error.WriteLine("       RetentionInsights.Solution validate ZIP... [--schemas DIR] [--expect managed|unmanaged] [--quiet]");
        return 2;
    }

    private static int Pack(Options options)
    {
        var repo = options.Value("--repo") ?? throw new ArgumentException("pack needs --repo DIR (the repository root)");
        var output = options.Value("--out") ?? throw new ArgumentException("pack needs --out DIR");
        var inputs = PackInputs.FromRepository(repo);
        if (options.Value("--pcf") is { } pcf)
            inputs = inputs with { PcfOutputDirectory = pcf };
        if (options.Value("--plugin-dll") is { } dll)
            inputs = inputs with { PluginAssemblyPath = dll };
        if (options.Value("--registrations") is { } registrations)
            inputs = inputs with { RegistrationsPath = registrations };
        var result = new SolutionPacker(inputs, DataModel.Current).Pack(output);
        foreach (var zip in result.Zips)
            Console.WriteLine(zip);
        return 0;
    }

    private static int Validate(Options options)
    {
        if (options.Positional.Count == 0)
            throw new ArgumentException("validate needs at least one ZIP");
        var expect = options.Value("--expect") switch
        {
            null => (bool?)null,
            "managed" => true,
            "unmanaged" => false,
            var other => throw new ArgumentException($"--expect must be managed or unmanaged, not '{other}'"),
        };
        var validator = new SolutionValidator(new ValidationOptions
        {
            SchemaDirectory = options.Value("--schemas") ?? SchemaLocator.Find(),
            ExpectManaged = expect,
            KnownColumns = ExternalColumns.FromDataModel(DataModel.Current),
        });
        var failed = false;
        foreach (var zip in options.Positional)
        {
            var report = validator.Validate(zip);
            // --quiet (build.sh) lists errors only; warnings are counted, `rtn solution validate` shows them.
            foreach (var finding in options.Flag("--quiet") ? report.Errors : report.Findings)
                Console.WriteLine($"{report.ZipName}: {finding}");
            Console.WriteLine($"{report.ZipName}: {report.Errors.Count()} error(s), {report.Warnings.Count()} warning(s)");
            failed |= report.HasErrors;
        }

        return failed ? 1 : 0;
    }

    private sealed class Options
    {
        private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

        public List<string> Positional { get; } = [];

        private readonly HashSet<string> flags = new(StringComparer.Ordinal);

        public string? Value(string name) => values.GetValueOrDefault(name);

        public bool Flag(string name) => flags.Contains(name);

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                if (args[i] is "--quiet")
                {
                    options.flags.Add(args[i]);
                }
                else if (args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    if (i + 1 >= args.Length)
                        throw new ArgumentException($"{args[i]} needs a value");
                    options.values[args[i]] = args[++i];
                }
                else
                {
                    options.Positional.Add(args[i]);
                }
            }

            return options;
        }
    }
}
