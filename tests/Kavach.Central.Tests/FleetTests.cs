using System.Globalization;
using System.Text.Json;
using Kavach.Central.Tests.Support;
using Kavach.Edge.Tests.Support;
using Npgsql;

namespace Kavach.Central.Tests;

/// <summary>
/// The "nothing lost, nothing twice" run: kavach-sim fleet (50 posts, bursts, restarts with new epochs) through
/// a real mosquitto into two kavach-central processes on one PostgreSQL; during the run one central is SIGKILLed and
/// PostgreSQL is restarted. At the end the (deviceId, epoch, seq) set in PostgreSQL is exactly the simulator's
/// manifest of what the broker acknowledged, each once, and no gap is open.
/// </summary>
[Collection(PostgresCollection.Name)]
public class FleetTests(PostgresFixture pg)
{
    [Fact]
    public async Task A_fleet_through_a_central_kill_and_a_database_restart_lands_exactly_once_with_no_gap_open()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var cs = await pg.Cluster.CreateDatabaseAsync();
        using var dir = Repo.NewTempDir();
        var configA = CentralProcess.WriteConfig(dir, broker.Port, cs, "central-a", "a.json");
        var configB = CentralProcess.WriteConfig(dir, broker.Port, cs, "central-b", "b.json");
        var manifestPath = dir.File("manifest.json");

        var a = new CentralProcess(["run", "--config", configA]);
        using var b = new CentralProcess(["run", "--config", configB]);
        SimProcess? sim = null;
        try
        {
            // both in the shared group before the first alert: the broker keeps the group's messages from then on
            await Wait.UntilAsync(
                () =>
                    a.Stdout.Contains("MQTT: connected", StringComparison.Ordinal)
                    && b.Stdout.Contains("MQTT: connected", StringComparison.Ordinal),
                () => "both centrals to connect\n" + a.Output + b.Output,
                TimeSpan.FromSeconds(60)
            );
            sim = SimProcess.Start(
                "fleet",
                "--broker",
                $"127.0.0.1:{broker.Port}",
                "--devices",
                "50",
                "--rate",
                "300",
                "--seconds",
                "12",
                "--bursts",
                "--restarts",
                "--telemetry-s",
                "2",
                "--seed",
                "7",
                "--quiet",
                "--manifest",
                manifestPath
            );

            await Wait.UntilAsync(
                async () => await ScalarAsync(cs, "SELECT count(*) FROM alerts") >= 600,
                "600 alerts committed before the kill",
                TimeSpan.FromSeconds(60)
            );
            a.Signal("KILL");
            await a.WaitForExitAsync(TimeSpan.FromSeconds(20));
            a.Dispose();

            var before = await ScalarAsync(cs, "SELECT count(*) FROM alerts");
            await Wait.UntilAsync(
                async () => await ScalarAsync(cs, "SELECT count(*) FROM alerts") >= before + 300,
                "300 more alerts with one central",
                TimeSpan.FromSeconds(60)
            );
            await pg.Cluster.StopAsync();
            await pg.Cluster.StartServerAsync();
            // the killed one comes back under its client id: the broker gives it what its session holds
            a = new CentralProcess(["run", "--config", configA]);

            await Wait.UntilAsync(
                () => a.Stdout.Contains("(session resumed)", StringComparison.Ordinal),
                () => "the killed central's session resumed\n" + a.Output,
                TimeSpan.FromSeconds(60)
            );
            Assert.Equal(0, await sim.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            var manifest = ReadManifest(manifestPath);
            Assert.True(manifest.Restarts > 0 && manifest.Bursts > 0, sim.Stdout);
            Assert.Equal(manifest.Keys.Count, manifest.Alerts);

            await Wait.UntilAsync(
                async () => await ScalarAsync(cs, "SELECT count(*) FROM alerts") >= manifest.Alerts,
                $"all {manifest.Alerts} alerts in PostgreSQL",
                TimeSpan.FromSeconds(60)
            );
            var rows = await KeysAsync(cs);
            Assert.Equal(manifest.Alerts, rows.Count); // exactly once: no row twice …
            var stored = rows.ToHashSet();
            Assert.Equal(rows.Count, stored.Count);
            Assert.True(
                stored.SetEquals(manifest.Keys), // … and the same keys
                $"missing {manifest.Keys.Except(stored).Count()}, unexpected {stored.Except(manifest.Keys).Count()}"
            );
            await Wait.UntilAsync(
                async () => await ScalarAsync(cs, "SELECT count(*) FROM gaps") == 0,
                "no gap open",
                TimeSpan.FromSeconds(10)
            );
            Assert.Equal(manifest.Alerts, await ScalarAsync(cs, "SELECT sum(received) FROM streams"));
            Assert.Equal(manifest.Streams, await ScalarAsync(cs, "SELECT count(*) FROM streams"));
            Assert.Equal(50, await ScalarAsync(cs, "SELECT count(*) FROM devices WHERE online"));

            foreach (var c in new[] { a, b })
                c.Signal("TERM");
            Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, await b.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            sim?.Dispose();
            a.Dispose();
            await pg.Cluster.EnsureRunningAsync(); // the other tests of the collection share the cluster
        }
    }

    private sealed record Manifest(long Alerts, long Restarts, long Bursts, long Streams, HashSet<(string, string, long)> Keys);

    private static Manifest ReadManifest(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        var keys = new HashSet<(string, string, long)>();
        var streams = 0;
        foreach (var s in root.GetProperty("streams").EnumerateArray())
        {
            var (device, epoch) = (s.GetProperty("deviceId").GetString()!, s.GetProperty("epoch").GetString()!);
            if (s.GetProperty("count").GetInt64() > 0)
                streams++;
            foreach (var r in s.GetProperty("ranges").EnumerateArray())
                for (var seq = r[0].GetInt64(); seq <= r[1].GetInt64(); seq++)
                    Assert.True(keys.Add((device, epoch, seq)), $"{device} {epoch} {seq} twice in the manifest");
        }
        return new Manifest(
            root.GetProperty("alerts").GetInt64(),
            root.GetProperty("restarts").GetInt64(),
            root.GetProperty("bursts").GetInt64(),
            streams,
            keys
        );
    }

    private static async Task<List<(string, string, long)>> KeysAsync(string cs)
    {
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT device_id, epoch, seq FROM alerts", c);
        await using var r = await cmd.ExecuteReaderAsync();
        var keys = new List<(string, string, long)>();
        while (await r.ReadAsync())
            keys.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        return keys;
    }

    private static async Task<long> ScalarAsync(string cs, string sql)
    {
        try
        {
            await using var c = new NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, c);
            return await cmd.ExecuteScalarAsync() is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;
        }
        catch (NpgsqlException)
        {
            return -1;
        } // the server is down or the tables are not there yet
    }
}
