using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>What one retention step did.</summary>
public readonly record struct RetentionResult(long Deleted, long PagesFreed, long SizeBytes, bool MoreToDo);

/// <summary>
/// Retention in small bounded steps, run by the storage service between its batches (never on the
/// alarm or tick path): at most <see cref="BatchRows"/> rows deleted and <see cref="VacuumPages"/> pages
/// returned to the file system per step, so no step holds the write lock for long.
/// By age (RetentionDays): summaries and their minute rollup, health changes, refused commands and LOW/MEDIUM events go; HIGH
/// and FAULT events (keep = 1), accepted operator events (acknowledgements, maintenance) and the outbox are kept.
/// By size (MaxSizeMb): the oldest summaries go first, then the oldest minute rollup rows (1/45 of their size: they keep
/// the trends' history longest), then health changes, then refused commands, then LOW/MEDIUM events.
/// By age only while the wall clock is synchronised: a board without RTC may boot with a clock years off, and
/// deleting by it would take rows that are minutes old (by size needs no clock).
/// </summary>
public static class Retention
{
    public const int BatchRows = 2000;
    public const int VacuumPages = 256; // 1 MB at 4 KB pages

    // Refused commands (anyone on the network can send them) are pruned like readings; accepted acks and
    // maintenance are kept.
    private const string Refused = "kind IN ('ack-refused', 'maintenance-refused')";

    /// <param name="retentionDays">Null: no deleting by age (the wall clock is not synchronised and cannot be trusted).</param>
    public static RetentionResult Step(SqliteConnection db, DateTimeOffset now, int? retentionDays, long maxBytes)
    {
        long deleted = 0;
        if (retentionDays is { } days)
        {
            var cutoff = now.AddDays(-days);
            var cutoffS = cutoff.ToUnixTimeSeconds();
            var cutoffIso = AlertJson.Iso(cutoff);
            // Old rows sit at the low rowids, so "WHERE old ORDER BY id LIMIT n" stops after n matches.
            deleted += Delete(
                db,
                $"DELETE FROM summaries WHERE id IN (SELECT id FROM summaries WHERE ts_s < {cutoffS.ToString(CultureInfo.InvariantCulture)} ORDER BY id LIMIT {BatchRows});"
            );
            if (deleted < BatchRows)
                deleted += Delete(db, OldestMinutes($"WHERE ts_s < {cutoffS.ToString(CultureInfo.InvariantCulture)}"));
            if (deleted < BatchRows)
                deleted += Delete(
                    db,
                    $"DELETE FROM health WHERE id IN (SELECT id FROM health WHERE ts_utc < '{cutoffIso}' ORDER BY id LIMIT {BatchRows});"
                );
            if (deleted < BatchRows)
                deleted += Delete(
                    db,
                    $"DELETE FROM operator_events WHERE id IN (SELECT id FROM operator_events WHERE {Refused} AND ts_utc < '{cutoffIso}' ORDER BY id LIMIT {BatchRows});"
                );
            if (deleted < BatchRows)
                deleted += Delete(
                    db,
                    $"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE keep = 0 AND ts_utc < '{cutoffIso}' ORDER BY id LIMIT {BatchRows});"
                );
        }

        var size = UsedBytes(db);
        if (deleted < BatchRows && size > maxBytes)
        {
            // Over the cap: the oldest go, whatever their age, in the same order of expendability.
            deleted += Delete(db, $"DELETE FROM summaries WHERE id IN (SELECT id FROM summaries ORDER BY id LIMIT {BatchRows});");
            if (deleted == 0)
                deleted += Delete(db, OldestMinutes(""));
            if (deleted == 0)
                deleted += Delete(db, $"DELETE FROM health WHERE id IN (SELECT id FROM health ORDER BY id LIMIT {BatchRows});");
            if (deleted == 0)
                deleted += Delete(
                    db,
                    $"DELETE FROM operator_events WHERE id IN (SELECT id FROM operator_events WHERE {Refused} ORDER BY id LIMIT {BatchRows});"
                );
            if (deleted == 0)
                deleted += Delete(
                    db,
                    $"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE keep = 0 AND seq NOT IN (SELECT seq_from FROM outbox) ORDER BY id LIMIT {BatchRows});"
                );
        }

        var free = Sql.Long(db, "PRAGMA freelist_count;");
        var vacuumed = Math.Min(free, VacuumPages);
        if (vacuumed > 0)
            Sql.Exec(db, $"PRAGMA incremental_vacuum({vacuumed.ToString(CultureInfo.InvariantCulture)});");
        size = UsedBytes(db);
        var more = deleted >= BatchRows || free > vacuumed || (size > maxBytes && deleted > 0);
        return new RetentionResult(deleted, vacuumed, size, more);
    }

    /// <summary>Bytes the database uses (file pages less free pages).</summary>
    public static long UsedBytes(SqliteConnection db) =>
        (Sql.Long(db, "PRAGMA page_count;") - Sql.Long(db, "PRAGMA freelist_count;")) * Sql.Long(db, "PRAGMA page_size;");

    // summaries_minute is clustered by (ts_s, sensor): the oldest are the first keys.
    private static string OldestMinutes(string where) =>
        $"DELETE FROM summaries_minute WHERE (ts_s, sensor) IN (SELECT ts_s, sensor FROM summaries_minute {where} ORDER BY ts_s, sensor LIMIT {BatchRows});";

    private static long Delete(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteNonQuery();
    }
}
