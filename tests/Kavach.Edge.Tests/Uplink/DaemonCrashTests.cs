using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Uplink;

/// <summary>
/// The real daemon process (<c>dotnet kavach-edge.dll --config …</c>), fed JSON lines over TCP, killed with
/// SIGKILL while the broker is down: after both come back, every alert committed before the kill arrives,
/// byte for byte as committed, in order, with no gap in seq.
/// </summary>
public class DaemonCrashTests
{
    [Fact]
    public async Task A_daemon_killed_while_the_broker_is_down_delivers_every_committed_alert_after_restart()
    {
        using var dir = Repo.NewTempDir();
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sub = await TestSubscriber.StartAsync(broker.Port, "kavach/crash-unit/alerts");
        var sensorPort = AlertDatabase.FreePort();
        var db = dir.File("kavach.db");
        var config = dir.File("kavach.json");
        await ObstacleFeeder.WriteDaemonConfigAsync(config, "crash-unit", sensorPort, db, broker.Port, holdMs: 300, reconnectMaxMs: 500);

        var feeder = new ObstacleFeeder(sensorPort);
        var daemon = Daemon.Start(config);
        try
        {
            await feeder.StartAsync();
            await Wait.UntilAsync(() => AlertDatabase.MaxSeq(db) >= 2, () => "FAULT then LOW committed; daemon says: " + daemon.Output);
            await Wait.UntilAsync(() => sub.Messages.Count >= 2, "the first two alerts uplinked");

            await broker.StopAsync();
            // a car comes and goes at 60 m: level changes (MEDIUM/HIGH/LOW) committed while the broker is down
            var sw = Stopwatch.StartNew();
            while (AlertDatabase.MaxSeq(db) < 6)
            {
                Assert.True(
                    sw.Elapsed < TimeSpan.FromSeconds(60),
                    "no level changes while toggling the obstacle; daemon says: " + daemon.Output
                );
                var before = AlertDatabase.MaxSeq(db);
                feeder.Obstacle = !feeder.Obstacle;
                var toggled = Stopwatch.StartNew();
                while (AlertDatabase.MaxSeq(db) == before && toggled.Elapsed < TimeSpan.FromSeconds(3))
                    await Task.Delay(50);
            }
            daemon.Kill(); // SIGKILL: no goodbye, no flush
            await feeder.StopAsync();
            var committed = AlertDatabase.MaxSeq(db); // what the killed daemon had committed
            Assert.True(committed >= 6);

            await broker.RestartAsync();
            await sub.ReconnectAsync();
            daemon = Daemon.Start(config);
            await feeder.StartAsync();
            await Wait.UntilAsync(
                () => Seqs(sub).Distinct().Count() >= committed + 1,
                () => $"every alert after the restart, got {string.Join(",", Seqs(sub))}; daemon says: {daemon.Output}",
                TimeSpan.FromSeconds(40)
            );

            var firstSeen = new List<long>();
            foreach (var s in Seqs(sub))
                if (!firstSeen.Contains(s))
                    firstSeen.Add(s);
            Assert.Equal(Enumerable.Range(1, firstSeen.Count).Select(i => (long)i), firstSeen); // in order, no gap
            var stored = AlertDatabase.Payloads(db);
            foreach (var m in sub.Messages)
            {
                var seq = JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64();
                Assert.Equal(stored[seq], m.Payload); // exactly as committed
            }
            var afterRestart = JsonDocument
                .Parse(sub.Messages.First(m => m.Payload.Contains($"\"seq\":{committed + 1},", StringComparison.Ordinal)).Payload)
                .RootElement;
            Assert.Equal("FAULT", afterRestart.GetProperty("level").GetString());
            var lastBefore = JsonDocument.Parse(stored[committed]).RootElement.GetProperty("level").GetString();
            Assert.Equal(lastBefore, afterRestart.GetProperty("previous").GetString()); // "previous" survives the crash
        }
        finally
        {
            daemon.Kill();
            await feeder.StopAsync();
        }
    }

    private static List<long> Seqs(TestSubscriber sub) =>
        sub.Messages.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64()).ToList();

    /// <summary>The daemon as a child process, its output kept for failure messages.</summary>
    private sealed class Daemon
    {
        private readonly Process _p;
        private readonly StringBuilder _out = new();

        private Daemon(Process p) => _p = p;

        public string Output
        {
            get
            {
                lock (_out)
                    return _out.Length > 4000 ? _out.ToString(_out.Length - 4000, 4000) : _out.ToString();
            }
        }

        public static Daemon Start(string config)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetDirectoryName(config)!,
            };
            psi.ArgumentList.Add(Repo.DaemonDll);
            psi.ArgumentList.Add("--config");
            psi.ArgumentList.Add(config);
            var d = new Daemon(Process.Start(psi)!);
            d._p.OutputDataReceived += (_, e) =>
            {
                lock (d._out)
                    d._out.AppendLine(e.Data);
            };
            d._p.ErrorDataReceived += (_, e) =>
            {
                lock (d._out)
                    d._out.AppendLine(e.Data);
            };
            d._p.BeginOutputReadLine();
            d._p.BeginErrorReadLine();
            return d;
        }

        public void Kill()
        {
            if (_p.HasExited)
                return;
            _p.Kill(entireProcessTree: true); // SIGKILL
            _p.WaitForExit(10_000);
        }
    }
}
