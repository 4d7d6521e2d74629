using Kavach.Central.Tests.Support;
using Kavach.Edge.Tests.Support;
using Npgsql;

namespace Kavach.Central.Tests;

/// <summary>
/// Nothing lost when kavach-central dies before its commit: with PostgreSQL down it holds what it received
/// unacknowledged; SIGKILLed then, the broker keeps those messages in its persistent session and sends them again
/// to the restarted instance, which commits each once.
/// </summary>
[Collection(PostgresCollection.Name)]
public class CrashTests(PostgresFixture pg)
{
    [Fact]
    public async Task A_central_killed_before_its_commit_loses_nothing_and_duplicates_nothing()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var cs = await pg.Cluster.CreateDatabaseAsync();
        using var dir = Repo.NewTempDir();
        var config = CentralProcess.WriteConfig(dir, broker.Port, cs, "central-a");
        await using var device = await DeviceClient.ConnectAsync(broker.Port, "lc-crash");

        try
        {
            await KillBeforeCommitAsync(device, cs, config);
        }
        finally
        {
            await pg.Cluster.EnsureRunningAsync(); // the other tests of the collection share the cluster
        }
        using (var central = new CentralProcess(["run", "--config", config]))
        {
            await Wait.UntilAsync(async () => await CountAsync(cs) == 40, "all 40 alerts after the restart", TimeSpan.FromSeconds(60));
            Assert.Equal(40, await ScalarAsync(cs, "SELECT count(DISTINCT seq) FROM alerts WHERE device_id = 'lc-crash' AND epoch = 'e1'"));
            Assert.Equal(40, await ScalarAsync(cs, "SELECT max(seq) FROM alerts"));
            central.Signal("TERM");
            Assert.Equal(0, await central.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    private async Task KillBeforeCommitAsync(DeviceClient device, string cs, string config)
    {
        using (var central = new CentralProcess(["run", "--config", config]))
        {
            await Wait.UntilAsync(
                () => central.Stdout.Contains("MQTT: connected", StringComparison.Ordinal),
                () => "the first central to connect\n" + central.Output,
                TimeSpan.FromSeconds(60)
            );
            await device.AlertAsync("e1", 1); // committed normally
            await Wait.UntilAsync(async () => await CountAsync(cs) == 1, "the first alert committed");
            await pg.Cluster.StopAsync();
            for (var seq = 2; seq <= 40; seq++)
                await device.AlertAsync("e1", seq);
            await Wait.UntilAsync(
                () => central.Output.Contains("held unacknowledged", StringComparison.Ordinal),
                () => "the commit to fail\n" + central.Output,
                TimeSpan.FromSeconds(60)
            );
            central.Signal("KILL");
            await central.WaitForExitAsync(TimeSpan.FromSeconds(20));
        }
    }

    private static Task<long> CountAsync(string cs) => ScalarAsync(cs, "SELECT count(*) FROM alerts");

    private static async Task<long> ScalarAsync(string cs, string sql)
    {
        try
        {
            await using var c = new NpgsqlConnection(cs);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, c);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (NpgsqlException)
        {
            return -1;
        } // the server is down or the tables are not there yet
    }
}
