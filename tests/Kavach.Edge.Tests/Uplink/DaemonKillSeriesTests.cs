using System.Diagnostics;
using System.Text.Json;
using Kavach.Edge.Tests.Support;
using Xunit.Abstractions;

namespace Kavach.Edge.Tests.Uplink;

/// <summary>
/// The real daemon process under load (a car coming and going in front of JSON-lines sensors, so level changes are
/// committed and drained all the time), SIGKILLed at random moments again and again — inside commits, during the
/// outbox drain, at start-up — with the broker stopped and started between and during the runs. Afterwards: no
/// database lost or moved aside, one epoch, every alert committed before any kill reaches a real mosquitto, in order,
/// exactly as committed, seq gap-free. 20 kills here (about a minute); TEST_KAVACH_KILLS=200 runs the issue's figure
/// (docs/benchmarks/crash.md records it).
/// </summary>
public class DaemonKillSeriesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_daemon_killed_at_random_moments_loses_no_alert_and_never_restarts_its_seq()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("TEST_KAVACH_KILLS"), out var k) && k > 0 ? k : 20;
        var rng = new Random(20261205);
        var total = Stopwatch.StartNew();
        using var dir = Repo.NewTempDir();
        await using var broker = await MosquittoBroker.StartAsync();
        await using var sub = await TestSubscriber.StartAsync(broker.Port, "kavach/kill-unit/alerts");
        var sensorPort = AlertDatabase.FreePort();
        var db = dir.File("kavach.db");
        var config = dir.File("kavach.json");
        await ObstacleFeeder.WriteDaemonConfigAsync(config, "kill-unit", sensorPort, db, broker.Port, holdMs: 200, reconnectMaxMs: 400);

        var feeder = new ObstacleFeeder(sensorPort);
        var brokerUp = true;
        long committedBeforeKills = 0;
        var killedWhileBrokerDown = 0;
        var log = new List<string>();
        for (var i = 0; i < kills; i++)
        {
            // the broker: down for about a third of the runs, changing state before or during a run
            if (rng.Next(3) == 0)
                brokerUp = await SetBrokerAsync(broker, !brokerUp);
            using var daemon = DaemonProcess.Start(dir.Path, "--config", config);
            await feeder.StartAsync();
            var lifetime = TimeSpan.FromMilliseconds(rng.Next(150, 2500));
            var flipBrokerAt = rng.Next(4) == 0 ? TimeSpan.FromMilliseconds(rng.Next(0, (int)lifetime.TotalMilliseconds)) : (TimeSpan?)null;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < lifetime)
            {
                feeder.Obstacle = !feeder.Obstacle;
                await Task.Delay(rng.Next(120, 400));
                if (flipBrokerAt is { } at && sw.Elapsed >= at)
                {
                    brokerUp = await SetBrokerAsync(broker, !brokerUp);
                    flipBrokerAt = null;
                }
            }
            if (daemon.Process.HasExited)
                Assert.Fail($"run {i}: the daemon exited by itself (code {daemon.Process.ExitCode})\n{daemon.Output}");
            daemon.Signal("KILL"); // no goodbye, no flush
            await daemon.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await feeder.StopAsync();
            if (!brokerUp)
                killedWhileBrokerDown++;
            committedBeforeKills = AlertDatabase.MaxSeq(db);
            log.Add($"{i}:{committedBeforeKills}{(brokerUp ? "" : "d")}");
        }
        Assert.True(committedBeforeKills > kills, $"too few alerts committed for the test to mean anything: {string.Join(" ", log)}");

        // Everything back: the broker up, the subscriber's session resumed, one more daemon run that drains the outbox.
        if (!brokerUp)
            await broker.RestartAsync();
        await sub.ReconnectAsync();
        using (var last = DaemonProcess.Start(dir.Path, "--config", config))
        {
            await feeder.StartAsync();
            await Wait.UntilAsync(
                () => Seqs(sub).Distinct().Count(s => s <= committedBeforeKills) == committedBeforeKills,
                () =>
                    $"every alert committed before the kills at the broker: missing "
                    + $"{string.Join(",", Enumerable.Range(1, (int)committedBeforeKills).Select(x => (long)x).Except(Seqs(sub)).Take(20))}"
                    + $" of {committedBeforeKills}; runs {string.Join(" ", log)}\n{last.Output}",
                TimeSpan.FromSeconds(60)
            );
            last.Signal("TERM");
            Assert.Equal(0, await last.WaitForExitAsync(TimeSpan.FromSeconds(15)));
            await feeder.StopAsync();
        }

        Assert.Empty(Directory.GetFiles(dir.Path, "kavach.db.corrupt-*")); // never moved aside
        var stored = AlertDatabase.Payloads(db);
        var max = stored.Keys.Max();
        Assert.Equal(Enumerable.Range(1, (int)max).Select(x => (long)x), stored.Keys.Order()); // gap-free, never restarted
        var epochs = stored.Values.Select(p => JsonDocument.Parse(p).RootElement.GetProperty("epoch").GetString()).Distinct().ToList();
        Assert.Single(epochs); // one stream for the life of the database

        // at the broker: each first delivery in seq order (re-deliveries after a kill may repeat), byte for byte as committed
        var firstSeen = new List<long>();
        foreach (var s in Seqs(sub))
            if (!firstSeen.Contains(s))
                firstSeen.Add(s);
        Assert.Equal(Enumerable.Range(1, firstSeen.Count).Select(x => (long)x), firstSeen);
        foreach (var m in sub.Messages)
            Assert.Equal(stored[JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64()], m.Payload);
        Assert.True(killedWhileBrokerDown > 0, "no run was killed with the broker down (the seed changed?)");
        output.WriteLine(
            $"{kills} kills ({killedWhileBrokerDown} with the broker down) in {total.Elapsed.TotalSeconds:0} s: {max} alerts committed, "
                + $"{committedBeforeKills} before the last kill, all at the broker ({sub.Messages.Count} deliveries with re-deliveries), one epoch, "
                + $"no file moved aside; runs (run:max seq, d = broker down) {string.Join(" ", log)}"
        );
    }

    private static async Task<bool> SetBrokerAsync(MosquittoBroker broker, bool up)
    {
        if (up)
            await broker.RestartAsync();
        else
            await broker.StopAsync();
        return up;
    }

    private static List<long> Seqs(TestSubscriber sub) =>
        sub.Messages.Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64()).ToList();
}
