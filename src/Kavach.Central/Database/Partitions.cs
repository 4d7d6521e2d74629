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

    /// <summary>Makes sure the months from <paramref name="utcNow"/>'s month to <paramref name="monthsAhead"/> later exist; returns the ones created.</summary>
    public static async Task<IReadOnlyList<string>> EnsureAsync(NpgsqlDataSource db, DateTimeOffset utcNow, int monthsAhead, CancellationToken ct)
    {
        var created = new List<string>();
        var first = new DateTime(utcNow.UtcDateTime.Year, utcNow.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i <= monthsAhead; i++)
        {
            var from = first.AddMonths(i);
            if (await EnsureMonthAsync(db, from, ct).ConfigureAwait(false) is { } name) created.Add(name);
        }
        return created;
    }

    private static async Task<string?> EnsureMonthAsync(NpgsqlDataSource db, DateTime from, CancellationToken ct)
    {
        var name = Name(from.Year, from.Month);
        var to = from.AddMonths(1);
        string Lit(DateTime t) => "'" + t.ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture) + "'";
        await using var c = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lk = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", c, tx)) await lk.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{name}') IS NOT NULL", c, tx))
            if ((bool)(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return null;
        var sql = $"""
            CREATE TABLE {name} (LIKE alerts INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
            WITH moved AS (DELETE FROM alerts_default WHERE ts >= {Lit(from)} AND ts < {Lit(to)} RETURNING *)
                INSERT INTO {name} SELECT * FROM moved;
            ALTER TABLE alerts ATTACH PARTITION {name} FOR VALUES FROM ({Lit(from)}) TO ({Lit(to)});
            """;
        await using (var cmd = new NpgsqlCommand(sql, c, tx)) await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return name;
    }
}
