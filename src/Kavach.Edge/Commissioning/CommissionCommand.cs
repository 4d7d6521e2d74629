using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Serilog.Extensions.Logging;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// `kavach-edge commission [--config PATH] [--seconds N] [--yes]`: with the service stopped, in clear air with the
/// track empty (the technician confirms it: a prompt, or --yes for scripts; refused when there is no terminal to ask
/// on and no --yes), learns the static scene, writes the record atomically and prints the report. Exit 0 record
/// written; 1 the run failed (a sensor silent, the service running); 2 configuration refused or not confirmed.
/// </summary>
public static class CommissionCommand
{
    public const int DefaultSeconds = 60;

    public const string Question =
        "Is the air clear (no fog, rain or dust) and the whole track section empty, with nobody and nothing moving in it? [y/N] ";

    /// <param name="input">Where the answer is read (stdin).</param>
    /// <param name="inputIsTerminal">False when stdin is redirected: without --yes the run is refused rather than guessed.</param>
    /// <param name="started">Tests: the inputs listen (connect the simulator).</param>
    /// <param name="logger">Tests: where the run logs (instead of the configured sinks), so errors can be checked.</param>
    public static async Task<int> RunAsync(
        string? configPath,
        int seconds,
        bool yes,
        TextReader input,
        bool inputIsTerminal,
        TextWriter? output = null,
        TimeProvider? time = null,
        Action<Sensors.SensorInputService>? started = null,
        IDictionary<string, string?>? environment = null,
        Serilog.ILogger? logger = null,
        CancellationToken ct = default
    )
    {
        var o = output ?? Console.Out;
        var path = KavachOptions.ResolvePath(configPath);
        var env = environment
            ?? Environment
                .GetEnvironmentVariables()
                .Cast<System.Collections.DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        var options = KavachOptions.Load(path, env, out var errors);
        if (options is null)
        {
            o.WriteLine($"kavach-edge commission: configuration refused ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):");
            foreach (var e in errors)
                o.WriteLine(e);
            return Program.ExitUsage;
        }
        if (options.Device.Mode == DeviceMode.Locomotive)
        {
            o.WriteLine(
                "kavach-edge commission: refused: Device.Mode is locomotive; commissioning learns a trackside post's fixed scene, and a cab has none (docs/locomotive.md)"
            );
            return Program.ExitUsage;
        }
        var recordPath = RecordFile.PathFor(options);
        o.WriteLine(
            $"{AppInfo.Name} {AppInfo.Version} commission: config {options.Source} (hash {options.ConfigHash}), record {recordPath}"
        );

        if (!yes)
        {
            if (!inputIsTerminal)
            {
                o.WriteLine(
                    "kavach-edge commission: refused: nobody confirmed that the air is clear and the track empty (stdin is not a terminal); after checking, run again with --yes"
                );
                return Program.ExitUsage;
            }
            o.Write(Question);
            var answer = input.ReadLine()?.Trim();
            if (
                !string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase)
                && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase)
            )
            {
                o.WriteLine("Not confirmed: nothing learned, nothing written. Commission when the air is clear and the track empty.");
                return Program.ExitUsage;
            }
        }

        // One process per state folder: the service must be stopped (it holds the sensors' ports), and must not
        // start while we learn.
        using var instance = new InstanceLock(options, NullLogger<InstanceLock>.Instance);
        try
        {
            await instance.StartAsync(ct).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            o.WriteLine($"kavach-edge commission: {e.Message}; stop the service first (sudo systemctl stop kavach-edge)");
            return Program.ExitFatal;
        }

        // A caller's logger (tests that watch for errors) or the configured one.
        using var ownLogger = logger is null ? Logging.Create(options.Logging, KavachOptions.UnderSystemd(), quietConsole: true) : null;
        using var logs = new SerilogLoggerFactory(logger ?? ownLogger);
        var clock = time ?? TimeProvider.System;
        var run = new CommissionRun(options, clock, logs) { Started = started };
        var (learner, failure, warnings) = await run.RunAsync(TimeSpan.FromSeconds(seconds), o, ct).ConfigureAwait(false);
        if (learner is null)
        {
            o.WriteLine($"kavach-edge commission: failed: {failure}");
            return Program.ExitFatal;
        }
        var record = RecordBuilder.Build(options, learner.Scenes(), seconds, clock.GetUtcNow());
        var hash = RecordFile.Write(recordPath, record);

        // What the daemon will make of it: applied to a fresh copy of the configuration, as at start.
        var applied = KavachOptions.Load(path, env, out _) ?? options;
        var state = CommissioningState.Load(applied);
        CommissionReport.Write(o, record, recordPath, hash, applied, state.Filled, state.KeptByHand, warnings);
        return Program.ExitOk;
    }
}
