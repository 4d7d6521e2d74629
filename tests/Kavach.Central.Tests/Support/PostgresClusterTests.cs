using Npgsql;

namespace Kavach.Central.Tests.Support;

/// <summary>The fixture itself: a real server answers, each test gets its own database, and it survives a restart.</summary>
[Collection(PostgresCollection.Name)]
public class PostgresClusterTests(PostgresFixture pg)
{
    [Fact]
    public async Task A_throwaway_cluster_answers_and_keeps_data_across_a_restart()
    {
        var cs = await pg.Cluster.CreateDatabaseAsync();
        await using (var c = new NpgsqlConnection(cs))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "CREATE TABLE t (v int); INSERT INTO t VALUES (42); SELECT current_user || ' ' || current_setting('server_version_num')",
                c
            );
            var who = (string)(await cmd.ExecuteScalarAsync())!;
            Assert.StartsWith(PostgresCluster.User + " ", who);
        }
        await pg.Cluster.StopAsync();
        await pg.Cluster.StartServerAsync();
        await using (var c = new NpgsqlConnection(cs))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT v FROM t", c);
            Assert.Equal(42, (int)(await cmd.ExecuteScalarAsync())!);
        }
    }
}
