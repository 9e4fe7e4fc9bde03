using System.CommandLine;
using Microsoft.Extensions.Hosting;
using RetentionInsights.Data.LocalOrg;
using RetentionInsights.Functions.Benchmarks;
using RetentionInsights.Functions.Hosting;

namespace RetentionInsights.Cli.Commands;

/// <summary>`rtn serve` (the scoring service without the Functions host) and `rtn bench service`.</summary>
public sealed class ServiceCommands : IVerbGroup
{
    public const string HarnessFolder = "pcf-controls/RetentionInsightsPanel/out/harness";

    public IEnumerable<Command> Create()
    {
        yield return Serve();
        var bench = new Command("bench", "Benchmarks that print JSON.");
        bench.Subcommands.Add(BenchService());
        bench.Subcommands.Add(BenchNightly());
        yield return bench;
    }

    private static Command Serve()
    {
        var db = new Option<string>("--db") { Description = "Local org database (SQLite).", Required = true };
        var models = new Option<string>("--models") { Description = "Model store folder.", Required = true };
        var urls = new Option<string>("--urls") { Description = "Where to listen, e.g. http://127.0.0.1:7071.", DefaultValueFactory = _ => "http://127.0.0.1:7071" };
        var demo = new Option<bool>("--demo") { Description = $"Also serve the contact-form preview ({HarnessFolder}) at \"/\"." };
        var asOf = new Option<string?>("--as-of") { Description = "Score as of this date (yyyy-MM-dd); default: the generated org's end date, else today." };
        var command = new Command("serve", "Run the scoring service locally: the same functions as the Azure Functions app, on Kestrel. Needs RTN_API_KEY.") { db, models, urls, demo, asOf };
        command.SetAction((r, ct) => ServeAsync(r.GetValue(db)!, r.GetValue(models)!, r.GetValue(urls)!, r.GetValue(demo), r.GetValue(asOf), ct));
        return command;
    }

    private static async Task<int> ServeAsync(string db, string models, string urls, bool demo, string? asOf, CancellationToken ct)
    {
        var key = Environment.GetEnvironmentVariable("RTN_API_KEY");
        if (string.IsNullOrWhiteSpace(key))
            return Fail("RTN_API_KEY is not set. The service refuses to run without a key: export RTN_API_KEY=$(openssl rand -hex 24) and try again.");
        if (!File.Exists(db))
            return Fail($"--db: no local org at '{db}'. Create one with: rtn generate --db {db}");
        try
        {
            // The wrong file (another program's database, a CSV) is refused here, not turned into an empty org or a crash.
            using (LocalOrgDatabase.OpenExisting(db, readOnly: true)) { }
        }
        catch (InvalidDataException e)
        {
            return Fail($"--db: {e.Message}");
        }
        if (!Uri.TryCreate(urls, UriKind.Absolute, out var listen) || listen.Scheme != "http" && listen.Scheme != "https")
            return Fail($"--urls: '{urls}' is not a URL like http://127.0.0.1:7071.");
        var settings = new Dictionary<string, string?>
        {
            ["Retention:LocalOrgPath"] = Path.GetFullPath(db),
            ["Retention:ModelsPath"] = Path.GetFullPath(models),
        };
        if (asOf is not null)
            settings["Retention:AsOf"] = CliSupport.ParseDate(asOf, "--as-of").ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (PortInUse(listen) is { } taken)
            return Fail(taken);
        if (demo)
        {
            var root = LocalServiceHost.FindRepositoryRoot(AppContext.BaseDirectory) ?? LocalServiceHost.FindRepositoryRoot(Environment.CurrentDirectory);
            var folder = root is null ? null : Path.Combine(root, HarnessFolder);
            if (folder is null || !Directory.Exists(folder))
                return Fail($"--demo: the preview harness is not built ({HarnessFolder}); build the PCF control first (see README).");
            settings["Retention:DemoFolder"] = folder;
        }
        try
        {
            await using var app = LocalServiceHost.Build(settings, urls);
            await app.StartAsync(ct);
            // Printed only once the server listens, so the address shown is one that answers.
            var root = urls.TrimEnd('/');
            Console.Error.WriteLine($"Retention Insights service listening on {urls}");
            Console.Error.WriteLine($"  API:     {root}/api/health   (send the key as x-functions-key or ?code=)");
            if (demo)
            {
                // The demo is the user's own terminal: the preview link carries the key (the page drops it from its address).
                Console.Error.WriteLine($"  Preview: {root}/?code={Uri.EscapeDataString(key)}");
                Console.Error.WriteLine($"  Try:     curl -H 'x-functions-key: {key}' {root}/api/health");
            }
            Console.Error.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(ct);
            return 0;
        }
        catch (InvalidOperationException e)
        {
            return Fail(e.Message);
        }
        catch (IOException e)
        {
            return Fail($"--urls: cannot listen on {urls}: {e.Message}");
        }
    }

    /// <summary>
    /// A clash found before the host starts is one line; found by Kestrel it would come with its stack traces. Null when the
    /// port is free (or the host is not a local address this check can bind).
    /// </summary>
    internal static string? PortInUse(Uri listen)
    {
        if (!System.Net.IPAddress.TryParse(listen.Host, out var address))
            address = listen.IsLoopback ? System.Net.IPAddress.Loopback : null;
        if (address is null)
            return null;
        try
        {
            var probe = new System.Net.Sockets.TcpListener(address, listen.Port);
            probe.Start();
            probe.Stop();
            return null;
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            return $"port {listen.Port} is in use; stop the program using it or choose another port with --urls (RTN_DEMO_PORT for ./demo.sh).";
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null; // not bindable here for another reason: Kestrel reports it
        }
    }

    private static Command BenchService()
    {
        var db = new Option<string?>("--db") { Description = "Org to use; generated first when the file does not exist (default: a temporary file)." };
        var models = new Option<string?>("--models") { Description = "Model store; a champion is trained first when it has none (default: a temporary folder)." };
        var contacts = new Option<int>("--contacts") { Description = "Contacts when generating.", DefaultValueFactory = _ => 5000 };
        var seed = new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 42 };
        var events = new Option<int>("--events") { Description = "Webhook events per measurement.", DefaultValueFactory = _ => 1000 };
        var concurrency = new Option<string>("--concurrency")
        {
            Description = "Concurrent callers per loopback measurement, comma-separated (p50/p99 per level).",
            DefaultValueFactory = _ => "1,4,16",
        };
        var command = new Command("service", "Webhook events per second and p50/p95/p99 latency (in-process and loopback HTTP, per concurrency level) and Dataverse write calls per 1,000 unchanged contacts; prints JSON.")
        {
            db, models, contacts, seed, events, concurrency,
        };
        command.SetAction(async (r, ct) =>
        {
            var n = r.GetValue(contacts);
            if (n < 100 || r.GetValue(events) < 10)
                return Fail("--contacts must be at least 100 and --events at least 10.");
            var levels = new List<int>();
            foreach (var part in (r.GetValue(concurrency) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var level) || level is < 1 or > 256)
                    return Fail($"--concurrency must list whole numbers from 1 to 256 separated by commas (e.g. 1,4,16); got '{part}'.");
                levels.Add(level);
            }
            if (levels.Count == 0)
                return Fail("--concurrency must list at least one level (e.g. 1,4,16).");
            var path = r.GetValue(db) ?? Path.Combine(Path.GetTempPath(), $"rtn-bench-service-{n}-{r.GetValue(seed)}.db");
            var modelPath = r.GetValue(models) ?? Path.Combine(Path.GetTempPath(), $"rtn-bench-service-{n}-{r.GetValue(seed)}-models");
            var progress = new Progress<string>(m => Console.Error.WriteLine(m));
            try
            {
                await ServiceBenchmark.PrepareAsync(path, modelPath, n, r.GetValue(seed), progress, ct);
                var result = await ServiceBenchmark.RunAsync(path, modelPath, r.GetValue(events), progress, ct, levels);
                CliSupport.WriteJson(new { database = path, models = modelPath, result });
                return 0;
            }
            catch (InvalidOperationException e)
            {
                return Fail(e.Message);
            }
        });
        return command;
    }

    private static Command BenchNightly()
    {
        var db = new Option<string?>("--db") { Description = "Org to use; generated first when the file does not exist (default: a temporary file). The run adds a day of changes to it." };
        var models = new Option<string?>("--models") { Description = "Model store, also where the snapshot is kept; a champion is trained on a 5,000-contact org of the same generator when it has none (default: a temporary folder)." };
        var contacts = new Option<int>("--contacts") { Description = "Contacts when generating.", DefaultValueFactory = _ => 20_000 };
        var share = new Option<double>("--changed-share") { Description = "Share of the contacts changed by the simulated day.", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 42 };
        var command = new Command("nightly", "A full first night, a simulated day of changes, and a second night from the feature snapshot: wall time, rows read and written, messages analysed, memory; prints JSON.")
        {
            db, models, contacts, share, seed,
        };
        command.SetAction(async (r, ct) =>
        {
            var n = r.GetValue(contacts);
            var changed = r.GetValue(share);
            if (n < 100)
                return Fail("--contacts must be at least 100.");
            if (changed is <= 0 or > 1)
                return Fail("--changed-share must be in (0, 1].");
            var path = r.GetValue(db) ?? Path.Combine(Path.GetTempPath(), $"rtn-bench-nightly-{n}-{r.GetValue(seed)}.db");
            var modelPath = r.GetValue(models) ?? Path.Combine(Path.GetTempPath(), $"rtn-bench-nightly-{r.GetValue(seed)}-models");
            IProgress<string> progress = new Progress<string>(m => Console.Error.WriteLine(m));
            try
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                double? generateSeconds = null;
                if (!File.Exists(path))
                {
                    progress.Report($"generating {n:N0} contacts into {path}");
                    RetentionInsights.Data.Generation.OrgGenerator.Generate(path, new RetentionInsights.Data.Generation.GeneratorOptions { Contacts = n, Seed = r.GetValue(seed) },
                        cancellationToken: ct);
                    generateSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
                }
                // The champion is trained on a small org of the same generator: this benchmark measures the nights, not training.
                var trainingOrg = Path.Combine(Path.GetTempPath(), $"rtn-bench-nightly-train-{r.GetValue(seed)}.db");
                try
                {
                    await ServiceBenchmark.PrepareModelAsync(path, trainingOrg, modelPath, r.GetValue(seed), progress, ct);
                }
                finally
                {
                    if (File.Exists(trainingOrg))
                        File.Delete(trainingOrg);
                }
                var result = await NightlyBenchmark.RunAsync(path, modelPath, changed, r.GetValue(seed), progress, ct);
                CliSupport.WriteJson(new { database = path, models = modelPath, generateSeconds, result });
                return 0;
            }
            catch (InvalidOperationException e)
            {
                return Fail(e.Message);
            }
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return CliSupport.BadInput;
    }
}
