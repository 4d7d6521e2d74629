using Kavach.Central.Database;
using Kavach.Central.Tests.Support;
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
        await using (var cmd = db.CreateCommand($"INSERT INTO schema_version (version, name) VALUES ({Migrator.Latest + 1}, 'future')")) await cmd.ExecuteNonQueryAsync();
        var e = await Assert.ThrowsAsync<SchemaTooNewException>(() => Migrator.ApplyAsync(db, default));
        Assert.Contains($"v{Migrator.Latest + 1}", e.Message);
    }

    [Fact]
    public async Task Partitions_are_created_ahead_once_and_adopt_alerts_that_waited_in_the_default_partition()
    {
        await using var db = NpgsqlDataSource.Create(await pg.Cluster.CreateDatabaseAsync());
        await Migrator.ApplyAsync(db, default);
        // an alert stamped in a month with no partition yet lands in alerts_default
        await using (var cmd = db.CreateCommand("""
            INSERT INTO alerts (device_id, epoch, seq, ts, id, level, clock_synced, payload)
            VALUES ('lc-1', 'e', 1, '2031-03-10T00:00:00Z', gen_random_uuid(), 'LOW', true, '{}')
            """)) await cmd.ExecuteNonQueryAsync();
        var now = new DateTimeOffset(2031, 1, 20, 0, 0, 0, TimeSpan.Zero);
        var created = await Partitions.EnsureAsync(db, now, 3, default);
        Assert.Equal(["alerts_y2031m01", "alerts_y2031m02", "alerts_y2031m03", "alerts_y2031m04"], created);
        Assert.Empty(await Partitions.EnsureAsync(db, now, 3, default));
        await using var where = db.CreateCommand("SELECT tableoid::regclass::text FROM alerts WHERE device_id = 'lc-1'");
        Assert.Equal("alerts_y2031m03", (string)(await where.ExecuteScalarAsync())!);
    }
}
