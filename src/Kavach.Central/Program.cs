using Kavach.Central.Configuration;
using Kavach.Central.Database;
using Kavach.Central.Hosting;
using Npgsql;
using Serilog;

namespace Kavach.Central;

/// <summary>kavach-central: the control room's fleet service (docs/central.md). Verbs: run (default), migrate, operator add,
/// version.</summary>
public static class Program
{
    public const int ExitOk = 0;
    public const int ExitFatal = 1;
    public const int ExitUsage = 2;

    public const string Usage = """
        usage: kavach-central [run|migrate|operator add NAME|version] [--config PATH]
          run                apply migrations, then ingest alerts and statuses from the broker into PostgreSQL (default)
          migrate            apply the database migrations and create the alert partitions ahead, then exit
          operator add NAME  add an operator and print their new key, once (1-64 of letters, digits, '.', '-', '_')
          version            print the version
        config: --config PATH, else ./kavach-central.json, else /etc/kavach/kavach-central.json
                (deploy/kavach-central.example.json; overrides: KAVACHCENTRAL_Section__Key)
        """;

    public static string Version => typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static async Task<int> Main(string[] args)
    {
        string? verb = null,
            config = null,
            operatorName = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--config" && i + 1 < args.Length)
                config = args[++i];
            else if (a is "-h" or "--help" or "help")
            {
                Console.WriteLine(Usage);
                return ExitOk;
            }
            else if (verb is null && a is "run" or "migrate" or "version")
                verb = a;
            else if (verb is null && a == "operator" && i + 2 < args.Length && args[i + 1] == "add")
            {
                verb = "operator-add";
                operatorName = args[i + 2];
                i += 2;
                if (!Operators.IsValidName(operatorName))
                {
                    Console.Error.WriteLine(
                        $"kavach-central: operator name '{operatorName}': 1-64 of letters, digits, '.', '-', '_' (it is the commands' \"by\")"
                    );
                    return ExitUsage;
                }
            }
            else
            {
                Console.Error.WriteLine($"kavach-central: unknown argument '{a}'");
                Console.Error.WriteLine(Usage);
                return ExitUsage;
            }
        }
        if (verb == "version")
        {
            Console.WriteLine($"kavach-central {Version}");
            return ExitOk;
        }
        var path = CentralOptions.ResolvePath(config);
        var env = Environment
            .GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        var options = CentralOptions.Load(path, env, out var errors);
        if (options is null)
        {
            Console.Error.WriteLine($"kavach-central: configuration refused ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):");
            foreach (var e in errors)
                Console.Error.WriteLine(e);
            return ExitUsage;
        }
        await using var logger = CreateLogger(options.Logging);
        try
        {
            await using var db = NpgsqlDataSource.Create(options.Database.ConnectionString);
            var applied = await Migrator.ApplyAsync(db, CancellationToken.None).ConfigureAwait(false);
            logger.Information(
                "kavach-central {Version}: database at schema v{Schema}{Applied}",
                Version,
                Migrator.Latest,
                applied.Count > 0 ? $" (applied v{string.Join(", v", applied)})" : " (up to date)"
            );
            if (verb == "operator-add")
            {
                var key = await Operators.AddAsync(db, operatorName!, CancellationToken.None).ConfigureAwait(false);
                if (key is null)
                {
                    Console.Error.WriteLine(
                        $"kavach-central: operator '{operatorName}' exists already (docs/central.md: revoking and replacing a key)"
                    );
                    return ExitUsage;
                }
                Console.WriteLine($"operator '{operatorName}' added. Their key, shown this once (only its hash is stored):");
                Console.WriteLine(key);
                return ExitOk;
            }
            if (verb == "migrate")
            {
                var created = await Partitions
                    .EnsureAsync(db, DateTimeOffset.UtcNow, options.Database.PartitionMonthsAhead, CancellationToken.None)
                    .ConfigureAwait(false);
                logger.Information(
                    "alert partitions: {Created}",
                    created.Count > 0 ? "created " + string.Join(", ", created) : "all there"
                );
                return ExitOk;
            }
            logger.Information(
                "kavach-central {Version} starting: config {Config} (hash {Hash}), broker {Host}:{Port} as {ClientId}, group {Group}",
                Version,
                options.Source,
                options.ConfigHash,
                options.Mqtt.Host,
                options.Mqtt.Port,
                options.Mqtt.ClientId,
                options.Mqtt.SharedGroup
            );
            await using var app = CentralHost.Build(options, logger, db);
            await app.RunAsync().ConfigureAwait(false);
            logger.Information("kavach-central stopped cleanly");
            return ExitOk;
        }
        catch (SchemaTooNewException e)
        {
            logger.Fatal("kavach-central refused to start: {Message}", e.Message);
            return ExitUsage;
        }
        catch (Exception e)
        {
            logger.Fatal(e, "kavach-central failed: {Message}", e.Message);
            return ExitFatal;
        }
    }

    private static Serilog.Core.Logger CreateLogger(CentralLoggingOptions o)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(o.Level)
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .WriteTo.Console(
                outputTemplate: "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: Serilog.Events.LogEventLevel.Warning,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture
            );
        if (o.File.Length > 0)
            config = config.WriteTo.File(
                o.File,
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}",
                fileSizeLimitBytes: o.FileSizeLimitMb * 1024L * 1024L,
                rollOnFileSizeLimit: true,
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: o.RetainedFiles,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture
            );
        return config.CreateLogger();
    }
}
