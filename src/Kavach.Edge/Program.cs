using Kavach.Edge.Configuration;
using Kavach.Edge.Demo;
using Kavach.Edge.Hosting;
using Kavach.Edge.Model;
using Microsoft.Extensions.Hosting;

namespace Kavach.Edge;

/// <summary>Entry point: parse the command line, load the configuration, run the host.</summary>
public static class Program
{
    public const int ExitOk = 0;
    public const int ExitFatal = 1;
    public const int ExitUsage = 2;

    /// <summary>
    /// The last-resort handler: whatever escapes a verb prints one line "kavach-edge: cause" and exits 1
    /// (2 for a configuration refusal), never a stack trace on the terminal (the daemon's log file keeps it).
    /// </summary>
    public static async Task<int> Main(string[] args)
    {
        InterruptSignal.Restore(); // first: before Console or the host start .NET's signal handling
        try
        {
            return await RunAsync(args).ConfigureAwait(false);
        }
        catch (Exception e) when (ConfigurationRefusedException.Find(e) is { } refused)
        {
            Console.Error.WriteLine($"kavach-edge: configuration refused: {OneLine(refused.Message)}");
            return ExitUsage;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"kavach-edge: {OneLine(e.Message)} ({e.GetType().Name})");
            return ExitFatal;
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    private static async Task<int> RunAsync(string[] args)
    {
        var cl = CommandLine.Parse(args);
        if (cl.Error is not null)
        {
            Console.Error.WriteLine($"kavach-edge: {cl.Error}");
            Console.Error.WriteLine(CommandLine.Usage);
            return ExitUsage;
        }
        if (cl.Verb == Verb.Version)
        {
            Console.WriteLine($"{AppInfo.Name} {AppInfo.Version}");
            return ExitOk;
        }
        if (cl.Verb == Verb.Help || cl.Help)
        {
            Console.WriteLine(
                cl.Verb switch
                {
                    Verb.Demo => CommandLine.DemoHelp,
                    Verb.SelfTest => CommandLine.SelfTestHelp,
                    Verb.Commission => CommandLine.CommissionHelp,
                    Verb.Run when args.Contains("run") => CommandLine.RunHelp,
                    _ => CommandLine.Usage,
                }
            );
            return ExitOk;
        }
        return cl.Verb switch
        {
            Verb.Demo => await DemoCommand.RunAsync(cl.Loop).ConfigureAwait(false),
            Verb.SelfTest => await SelfTest.SelfTestCommand.RunAsync(cl.ConfigPath).ConfigureAwait(false),
            Verb.Commission => await Commissioning
                .CommissionCommand.RunAsync(cl.ConfigPath, cl.Seconds, cl.Yes, Console.In, !Console.IsInputRedirected)
                .ConfigureAwait(false),
            _ => await RunDaemonAsync(cl.ConfigPath).ConfigureAwait(false),
        };
    }

    private static async Task<int> RunDaemonAsync(string? configPath)
    {
        var path = KavachOptions.ResolvePath(configPath);
        var env = Environment
            .GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        var options = KavachOptions.Load(path, env, out var errors);
        if (options is null)
        {
            Console.Error.WriteLine($"kavach-edge: configuration refused ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):");
            foreach (var e in errors)
                Console.Error.WriteLine(e);
            return ExitUsage;
        }
        var underSystemd = KavachOptions.UnderSystemd();
        using var logger = Logging.Create(options.Logging, underSystemd);
        logger.Information(
            "{App} {Version} starting: device {Device}, config {Config} (hash {Hash}), {Sensors} sensor(s)",
            AppInfo.Name,
            AppInfo.Version,
            options.Device.Id,
            options.Source,
            options.ConfigHash,
            options.Sensors.Count
        );
        // the fatal lines below go to the log file (and journald's copy of stderr gets our one line), not twice to the terminal
        var fileOnly = logger.ForContext(Logging.FileOnly, true);
        try
        {
            StoragePreflight.Check(options.Storage.Path);
            using var host = DaemonHost.Build(options, logger, TimeProvider.System);
            await HostRunner.RunAsync(host).ConfigureAwait(false);
            logger.Information("{App} stopped cleanly", AppInfo.Name);
            return ExitOk;
        }
        catch (ModelLoadException e)
        {
            // a wrong or corrupt model is a configuration problem: refuse to start, like a bad key
            fileOnly.Fatal("{App} refused to start: {Message}", AppInfo.Name, e.Message);
            Console.Error.WriteLine($"kavach-edge: {e.Message} (set Model.OnLoadFailure to floor-only to run on the safety floor alone)");
            return ExitUsage;
        }
        catch (Exception e) when (ConfigurationRefusedException.Find(e) is { } refused)
        {
            // the configuration cannot work on this machine (e.g. a GPIO line that cannot be opened)
            fileOnly.Fatal("{App} configuration refused: {Message}", AppInfo.Name, refused.Message);
            Console.Error.WriteLine($"kavach-edge: configuration refused: {OneLine(refused.Message)}");
            return ExitUsage;
        }
        catch (Exception e)
        {
            fileOnly.Fatal(e, "{App} failed: {Message}", AppInfo.Name, e.Message);
            Console.Error.WriteLine($"kavach-edge: {OneLine(e.Message)} ({e.GetType().Name}; the log file has the details)");
            return ExitFatal;
        }
    }
}
