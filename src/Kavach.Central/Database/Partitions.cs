using System.Globalization;
using Npgsql;

namespace Kavach.Central.Database;

/// <summary>
/// Monthly partitions of <c>alerts</c> (<c>alerts_y2026m12</c>: ts from the first of the month, UTC, to the next),
/// created ahead of need. Alerts stamped outside every partition wait in <c>alerts_default</c>; when their month's
/// partition is created they are moved into it in the same transaction (PostgreSQL refuses to attach a range the
/// default partition still holds rows of). Idempotent; several instances may run it at once (advisory lock).
/// </summary>
public static class Partitions
{
    private const long LockKey = 0x6b61766163687032;

    public static string Name(int year, int month) => string.Create(CultureInfo.InvariantCulture, $"alerts_y{year:D4}m{month:D2}");

    /// <summary>Makes sure the months from <paramref name="utcNow"/>'s month to <paramref name="monthsAhead"/> later exist; returns the
    /// ones created.</summary>
    public static async Task<IReadOnlyList<string>> EnsureAsync(
        NpgsqlDataSource db,
        DateTimeOffset utcNow,
        int monthsAhead,
        CancellationToken ct
    )
    {
        var created = new List<string>();
        var first = new DateTime(utcNow.UtcDateTime.Year, utcNow.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i <= monthsAhead; i++)
        {
            var from = first.AddMonths(i);
            if (await EnsureMonthAsync(db, from, ct).ConfigureAwait(false) is { } name)
                created.Add(name);
        }
        return created;
    }

    /// <summary>
    /// Retention: drops the monthly partitions wholly older than <paramref name="keepMonths"/> months before
    /// <paramref name="utcNow"/>'s month (a DROP, no row-by-row delete); returns the ones dropped. The default
    /// partition is left alone: what waits there is stamped by a clock that was not synced, not old.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DropOlderThanAsync(
        NpgsqlDataSource db,
        DateTimeOffset utcNow,
        int keepMonths,
        CancellationToken ct
    )
    {
        var cutoff = new DateTime(utcNow.UtcDateTime.Year, utcNow.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-keepMonths);
        var old = new List<string>();
        await using (
            var cmd = db.CreateCommand(
                """
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'alerts'::regclass AND c.relname ~ '^alerts_y[0-9]{4}m[0-9]{2}$' ORDER BY c.relname
                """
            )
        )
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var name = r.GetString(0);
                var year = int.Parse(name.AsSpan(8, 4), NumberStyles.None, CultureInfo.InvariantCulture);
                var month = int.Parse(name.AsSpan(13, 2), NumberStyles.None, CultureInfo.InvariantCulture);
                if (new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1) <= cutoff)
                    old.Add(name);
            }
        foreach (var name in old)
        {
            await using var drop = db.CreateCommand($"DROP TABLE IF EXISTS {name}");
            await drop.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return old;
    }

    private static async Task<string?> EnsureMonthAsync(NpgsqlDataSource db, DateTime from, CancellationToken ct)
    {
        var name = Name(from.Year, from.Month);
        var to = from.AddMonths(1);
        string Lit(DateTime t) => "'" + t.ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture) + "'";
        await using var c = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lk = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", c, tx))
            await lk.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{name}') IS NOT NULL", c, tx))
            if ((bool)(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
                return null;
        var sql = $"""
            CREATE TABLE {name} (LIKE alerts INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            WITH moved AS (DELETE FROM alerts_default WHERE ts >= {Lit(from)} AND ts < {Lit(to)} RETURNING *)
                INSERT INTO {name} SELECT * FROM moved;
            ALTER TABLE alerts ATTACH PARTITION {name} FOR VALUES FROM ({Lit(from)}) TO ({Lit(to)});
            """;
        await using (var cmd = new NpgsqlCommand(sql, c, tx))
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return name;
    }
}
