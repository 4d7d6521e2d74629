using Kavach.Central.Database;
using Kavach.Central.Tests.Support;
using Kavach.Edge.Tests.Support;
using Npgsql;

namespace Kavach.Central.Tests;

/// <summary>Versioned migrations on a real PostgreSQL: applied once, idempotent, concurrent-safe; monthly partitions ahead.</summary>
[Collection(PostgresCollection.Name)]
public class MigrationTests(PostgresFixture pg)
{
    [Fact]
    public async Task Migrations_apply_once_and_a_second_run_changes_nothing()
    {
        await using var db = NpgsqlDataSource.Create(await pg.Cluster.CreateDatabaseAsync());
        // two at once, as two instances starting together: the advisory lock lets one apply, the other sees it done
        var runs = await Task.WhenAll(Migrator.ApplyAsync(db, default), Migrator.ApplyAsync(db, default));
        Assert.Equal(Enumerable.Range(1, Migrator.Latest), runs.SelectMany(r => r).Order());
        Assert.Empty(await Migrator.ApplyAsync(db, default));
        await using var cmd = db.CreateCommand("SELECT count(*), max(version) FROM schema_version");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        Assert.Equal(Migrator.Latest, r.GetInt64(0));
        Assert.Equal(Migrator.Latest, r.GetInt32(1));
    }

    [Fact]
    public async Task A_database_newer_than_the_build_is_refused()
    {
        await using var db = NpgsqlDataSource.Create(await pg.Cluster.CreateDatabaseAsync());
        await Migrator.ApplyAsync(db, default);
        await using (var cmd = db.CreateCommand($"INSERT INTO schema_version (version, name) VALUES ({Migrator.Latest + 1}, 'future')"))
            await cmd.ExecuteNonQueryAsync();
        var e = await Assert.ThrowsAsync<SchemaTooNewException>(() => Migrator.ApplyAsync(db, default));
        Assert.Contains($"v{Migrator.Latest + 1}", e.Message);
    }

    [Fact]
    public async Task Partitions_are_created_ahead_once_and_adopt_alerts_that_waited_in_the_default_partition()
    {
        await using var db = NpgsqlDataSource.Create(await pg.Cluster.CreateDatabaseAsync());
        await Migrator.ApplyAsync(db, default);
        // an alert stamped in a month with no partition yet lands in alerts_default
        await using (
            var cmd = db.CreateCommand(
                """
                INSERT INTO alerts (device_id, epoch, seq, ts, id, level, clock_synced, payload)
                VALUES ('lc-1', 'e', 1, '2031-03-10T00:00:00Z', gen_random_uuid(), 'LOW', true, '{}')
                """
            )
        )
            await cmd.ExecuteNonQueryAsync();
        var now = new DateTimeOffset(2031, 1, 20, 0, 0, 0, TimeSpan.Zero);
        var created = await Partitions.EnsureAsync(db, now, 3, default);
        Assert.Equal(["alerts_y2031m01", "alerts_y2031m02", "alerts_y2031m03", "alerts_y2031m04"], created);
        Assert.Empty(await Partitions.EnsureAsync(db, now, 3, default));
        await using var where = db.CreateCommand("SELECT tableoid::regclass::text FROM alerts WHERE device_id = 'lc-1'");
        Assert.Equal("alerts_y2031m03", (string)(await where.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Retention_drops_whole_months_past_the_limit_and_keeps_the_rest()
    {
        await using var db = NpgsqlDataSource.Create(await pg.Cluster.CreateDatabaseAsync());
        await Migrator.ApplyAsync(db, default);
        await Partitions.EnsureAsync(db, new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero), 3, default);
        await using (
            var cmd = db.CreateCommand(
                """
                INSERT INTO alerts (device_id, epoch, seq, ts, id, level, clock_synced, payload) VALUES
                  ('lc-1', 'e', 1, '2031-02-27T00:00:00Z', gen_random_uuid(), 'LOW', true, '{}'),
                  ('lc-1', 'e', 2, '2031-03-01T00:00:00Z', gen_random_uuid(), 'LOW', true, '{}'),
                  ('lc-1', 'e', 3, '1970-01-01T00:00:10Z', gen_random_uuid(), 'LOW', false, '{}')
                """
            )
        )
            await cmd.ExecuteNonQueryAsync();
        // March 2033 keeping 24 months: January and February 2031 ended before March 2031, so they go
        var dropped = await Partitions.DropOlderThanAsync(db, new DateTimeOffset(2033, 3, 15, 0, 0, 0, TimeSpan.Zero), 24, default);
        Assert.Equal(["alerts_y2031m01", "alerts_y2031m02"], dropped);
        await using var left = db.CreateCommand("SELECT string_agg(seq::text, ',' ORDER BY seq) FROM alerts");
        Assert.Equal("2,3", (string)(await left.ExecuteScalarAsync())!); // the unsynced clock's alert stays in the default partition
        Assert.Empty(await Partitions.DropOlderThanAsync(db, new DateTimeOffset(2033, 3, 15, 0, 0, 0, TimeSpan.Zero), 24, default));
    }

    [Fact]
    public async Task The_migrate_verb_applies_the_schema_and_partitions_then_says_up_to_date()
    {
        using var dir = Repo.NewTempDir();
        var config = CentralProcess.WriteConfig(dir, 1883, await pg.Cluster.CreateDatabaseAsync(), "central-m");
        using (var first = new CentralProcess(["migrate", "--config", config]))
        {
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"applied v{string.Join(", v", Enumerable.Range(1, Migrator.Latest))}", first.Stdout);
            Assert.Contains("created alerts_y", first.Stdout);
        }
        using var second = new CentralProcess(["migrate", "--config", config]);
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("(up to date)", second.Stdout);
        Assert.Contains("alert partitions: all there", second.Stdout);
    }
}
