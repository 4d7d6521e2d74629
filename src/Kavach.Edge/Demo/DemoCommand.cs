using System.Globalization;
using System.Net.Sockets;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Edge.Storage;
using Kavach.Edge.Uplink;
using Kavach.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Demo;

/// <summary>
/// `kavach-edge demo`: the daemon's main job on embedded defaults, with no hardware and no external
/// service. The built-in "demo" scenario streams sensor frames over loopback TCP into the very decoder
/// path a real sensor uses; SQLite lives under ./data/demo; a live console view shows the level,
/// visibility, obstacle and outputs; a summary of the level changes (read back from SQLite) ends it.
/// </summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(bool loop, TextWriter? output = null, double speed = 1, string? dataDir = null)
    {
        var o = output ?? Console.Out;
        var dir = Path.GetFullPath(dataDir ?? Path.Combine("data", "demo"));
        Directory.CreateDirectory(dir);
        var dbPath = Path.Combine(dir, "kavach-demo.db");
        if (InstanceLock.IsHeld(Path.Combine(dir, StatePaths.LockFileName)))
        {
            o.WriteLine($"demo: another demo is running in {dir} (its lock is held); stop it first");
            return 1;
        }
        foreach (var f in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" })
            if (File.Exists(f))
                File.Delete(f); // a fresh database per demo run: the summary is this run's

        var scenario = ScenarioConfig.Adapt(Scenario.BuiltIn("demo"));
        // no central broker here: an embedded one on loopback receives the uplink
        await using var broker = await EmbeddedBroker.StartAsync().ConfigureAwait(false);
        var options = ScenarioConfig.Options(scenario, dbPath, Path.Combine(dir, "kavach-edge.log"), broker.Port);
        using var logger = Logging.Create(options.Logging, underSystemd: false, quietConsole: true);

        o.WriteLine($"Kavach Edge {AppInfo.Version} demo: \"{scenario.Description}\"");
        o.WriteLine("An advisory warning device beside the signalling system, not a signal.");
        using var host = DaemonHost.Build(options, logger, TimeProvider.System);
        var started = false;
        try
        {
            // the daemon's own shutdown path: SIGTERM / SIGINT (Ctrl-C) stop the scenario and the host alike,
            // and the scenario's end stops the host the same way
            await HostRunner
                .RunAsync(host, (services, stopping) =>
                {
                    started = true;
                    return PlayAsync(o, output is null, scenario, services, options, broker.Port, dbPath, loop, speed, stopping);
                })
                .ConfigureAwait(false);
        }
        catch (Exception e) when (!started)
        {
            o.WriteLine($"demo: the daemon failed to start: {e.Message}");
            return 1;
        }
        return PrintSummary(o, dbPath);
    }

    /// <summary>Plays the scenario into the started daemon and shows it live, until the scenario ends (never with
    /// <paramref name="loop"/>) or <paramref name="stopping"/> fires.</summary>
    private static async Task PlayAsync(
        TextWriter o,
        bool console,
        Scenario scenario,
        IServiceProvider services,
        KavachOptions options,
        int brokerPort,
        string dbPath,
        bool loop,
        double speed,
        CancellationToken stopping
    )
    {
        var inputs = services.GetRequiredService<SensorInputService>();
        var broadcaster = services.GetRequiredService<RiskBroadcaster>();
        var pipeline = services.GetRequiredService<Pipeline.TickPipeline>();
        var alarm = services.GetRequiredService<AlarmOutputs>();
        foreach (var s in scenario.Sensors)
            o.WriteLine($"  sensor {s.Name, -7} {SimNames.Name(s.Protocol), -10} → tcp {inputs.BoundEndpoints[s.Name]}");
        o.WriteLine($"  SQLite  {dbPath}");
        o.WriteLine($"  log     {options.Logging.File}");
        if (services.GetRequiredService<Api.ApiServer>().Urls is [var page, ..])
            o.WriteLine($"  page    {page}/");
        o.WriteLine($"  uplink  embedded MQTT broker on 127.0.0.1:{brokerPort}; watch it with:");
        o.WriteLine($"          mosquitto_sub -h 127.0.0.1 -p {brokerPort} -i kavach-watch -t 'kavach/#' -v");
        o.WriteLine();

        var changes = new List<RiskState>();
        void OnChange(RiskState s)
        {
            lock (changes)
                changes.Add(s);
        }
        broadcaster.Changed += OnChange;

        WorldState world = default;
        var player = new ScenarioPlayer();
        var playerOptions = new PlayerOptions
        {
            Speed = speed,
            Loop = loop,
            StepIntervalS = 0.25,
            OnStep = w => world = w,
        };
        var play = player.RunAsync(
            scenario,
            async (name, ct) =>
            {
                var client = new TcpClient { NoDelay = true };
                await client.ConnectAsync(inputs.BoundEndpoints[name], ct).ConfigureAwait(false);
                return new OwnedNetworkStream(client);
            },
            playerOptions,
            TimeProvider.System,
            stopping
        );

        var interactive = console && !Console.IsOutputRedirected;
        var printed = 0;
        var lastLine = DateTime.MinValue;
        while (!play.IsCompleted)
        {
            await Task.WhenAny(play, Task.Delay(250, CancellationToken.None)).ConfigureAwait(false);
            List<RiskState> fresh;
            lock (changes)
            {
                fresh = changes.Skip(printed).ToList();
                printed = changes.Count;
            }
            foreach (var c in fresh)
            {
                if (interactive)
                    o.Write("\r\x1b[K");
                o.WriteLine(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"t={world.TimeS, 5:0.0}s  ▶ {RiskLevels.Name(c.Level), -6} (was {(c.Previous is { } p ? RiskLevels.Name(p) : "-")}): {string.Join("; ", c.Reasons)}"
                    )
                );
            }
            var line = View(world, broadcaster.Latest, pipeline.Risk.LastFloor, alarm.Snapshot);
            if (interactive)
                o.Write("\r\x1b[K" + line);
            else if (DateTime.UtcNow - lastLine > TimeSpan.FromSeconds(2))
            {
                o.WriteLine(line);
                lastLine = DateTime.UtcNow;
            }
        }
        if (interactive)
            o.WriteLine();
        broadcaster.Changed -= OnChange;
        try
        {
            await play.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            o.WriteLine("demo: interrupted");
        }
    }

    private static string View(WorldState w, RiskState? s, FloorAssessment? f, OutputState outputs)
    {
        var inv = CultureInfo.InvariantCulture;
        var level = s is null ? "-" : RiskLevels.Name(s.Level);
        var vis =
            f is null || double.IsNaN(f.VisibilityM)
                ? "?"
                : string.Create(inv, $"{(f.VisibilityIsBound ? "≤" : "")}{f.VisibilityM:0} m ({FogClasses.Name(f.FogClass)})");
        var obstacle =
            f is null || f.ObstacleSource == ObstacleSource.None
                ? "none"
                : string.Create(
                    inv,
                    $"{f.ObstacleRangeM:0} m{(double.IsNaN(f.ClosingSpeedMps) ? "" : $" {f.ClosingSpeedMps:0.0} m/s")}{(double.IsFinite(f.TtcS) ? $" TTC {f.TtcS:0.0} s" : "")} ({SafetyFloor.SourceName(f.ObstacleSource)})"
                );
        return string.Create(
            inv,
            $"t={w.TimeS, 5:0.0}s  {level, -6} visibility {vis, -20} obstacle {obstacle, -32} outputs: {outputs} | world: {w.VisibilityM:0} m, {(w.ObstaclePresent ? $"obstacle {w.ObstacleRangeM:0} m" : "no obstacle")}"
        );
    }

    private static int PrintSummary(TextWriter o, string dbPath)
    {
        using var store = EventStore.Open(dbPath, TimeProvider.System);
        var events = store.ReadEvents();
        o.WriteLine();
        o.WriteLine($"Level changes stored in {dbPath}:");
        foreach (var e in events)
            o.WriteLine(
                $"  #{e.Id, -3} {e.TsUtc}  {e.Previous ?? "-", -6} → {e.Level, -6} {string.Join("; ", JsonText.ParseArray(e.Reasons))}"
            );
        var walk = string.Join(" → ", events.Select(e => e.Level));
        o.WriteLine($"Walk: {walk}");
        return 0;
    }

    /// <summary>A NetworkStream that disposes its TcpClient with it.</summary>
    private sealed class OwnedNetworkStream(TcpClient client) : Stream
    {
        private readonly NetworkStream _inner = client.GetStream();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _inner.WriteAsync(buffer, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                client.Dispose();
            base.Dispose(disposing);
        }
    }
}
