using System.Globalization;

namespace RetentionInsights.Scoring.Tests.Support;

/// <summary>Finds ../shared/data (RTN_SHARED_DIR, else a sibling "shared" folder above the test's base directory).</summary>
public static class SharedData
{
    public static string Path(params string[] parts)
    {
        var root = Root();
        var full = System.IO.Path.Combine([root, "data", .. parts]);
        if (!File.Exists(full))
            throw new FileNotFoundException($"Reference data set missing: {full} (public data sets the tests read; see the README, 'Reference data used by the tests').");
        return full;
    }

    private static string Root()
    {
        var fromEnv = Environment.GetEnvironmentVariable("RTN_SHARED_DIR");
        if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(System.IO.Path.Combine(fromEnv, "data")))
            return fromEnv;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "data")))
                return candidate;
        }
        throw new DirectoryNotFoundException("Set RTN_SHARED_DIR to the shared folder holding data/ (cdnow, telco-churn).");
    }

    public static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
