using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>What one rollup step did: the minutes written up to <see cref="To"/> (exclusive), and whether more are waiting.</summary>
public readonly record struct RollupResult(long Rows, long? To, bool MoreToDo);

/// <summary>
/// The per-minute rollup of <c>summaries</c> into <c>summaries_minute</c> (Schema v6), which the trends read for steps of whole
/// minutes (<see cref="TrendReader"/>). A minute is rolled once a row of a later minute is stored (rows come in time order), by
/// one <c>INSERT … SELECT</c> over that minute's rows; <c>meta</c> 'rollup_to' (unix seconds, the end of the last rolled
/// minute) moves in the same transaction. Minutes behind it (a database from before v6, a daemon stopped between minutes) are
/// rolled in chunks of <see cref="ChunkS"/>, at most <c>windowS</c> back from the latest row (the retention window: older rows
/// are on their way out), skipping hours without rows. The caller owns the transaction; one writer (the storage service).
/// The columns are sums and counts, not means, so that several minutes add up to exactly what the per-second rows give.
/// </summary>
public static class MinuteRollup
{
    /// <summary>The most one step rolls: an hour, ~10 800 rows of three sensors, a few milliseconds.</summary>
    public const int ChunkS = 3600;

    public const string WatermarkKey = "rollup_to";

    /// <summary>The trends' aggregates of summary rows, one output row per (minute or bucket, sensor), in
    /// <see cref="TrendReader"/>'s column order: seconds, frames, no_return sum and count, nearest, strength sum and count,
    /// SNR sum and count, visibility, ttc. Values only from live rows (state 1): a stale or frozen sensor's numbers are not
    /// evidence. Nearest: the lidar's nearest return, the radar's nearest target (its median_cm); ttc: range over closing speed
    /// where it closes. Only nearest, visibility and ttc can be NULL (a sum over no value is 0, its count says so).</summary>
    internal const string Aggregates = """
        COUNT(*), SUM(frames),
        COALESCE(SUM(CASE WHEN state = 1 THEN no_return_pm END), 0), COUNT(CASE WHEN state = 1 THEN no_return_pm END),
        MIN(CASE WHEN state = 1 THEN COALESCE(min_cm, median_cm) END),
        COALESCE(SUM(CASE WHEN state = 1 THEN strength END), 0), COUNT(CASE WHEN state = 1 THEN strength END),
        COALESCE(SUM(CASE WHEN state = 1 THEN snr_cdb END), 0), COUNT(CASE WHEN state = 1 THEN snr_cdb END),
        MIN(CASE WHEN state = 1 THEN visibility_m END),
        MIN(CASE WHEN state = 1 AND speed_cmps > 0 THEN median_cm * 1.0 / speed_cmps END)
        """;

    private const string Insert = $"""
        INSERT OR REPLACE INTO summaries_minute
            (ts_s, sensor, seconds, frames, nr_sum, nr_n, nearest_cm, str_sum, str_n, snr_sum, snr_n, visibility_m, ttc_s, live)
        SELECT ts_s - ((ts_s % 60) + 60) % 60 AS m, sensor, {Aggregates}, COUNT(CASE WHEN state = 1 THEN 1 END)
        FROM summaries
        WHERE id BETWEEN $lo AND $hi AND ts_s >= $from AND ts_s < $to
        GROUP BY m, sensor;
        """;

    /// <summary>Rolls up to <see cref="ChunkS"/> of finished minutes not yet rolled. Nothing written when none are.</summary>
    public static RollupResult Step(SqliteConnection db, SqliteTransaction tx, long windowS)
    {
        using var index = SummaryIndex.Open(db, tx);
        if (index is null)
            return default;
        var target = Minute(index.LastTsS); // the latest row's minute may still grow
        var mark = Watermark(db, tx);
        var from = Math.Max(mark ?? long.MinValue, target - windowS);
        if (from >= target)
            return new RollupResult(0, mark, false);
        var lo = index.First(from);
        // skip a gap (a daemon stopped for days, a database from before v6): start at the next stored row's minute
        var to = index.At(lo) is { } next && next.TsS < target ? Math.Min(target, Math.Max(from, Minute(next.TsS)) + ChunkS) : target;
        long rows = 0;
        var hi = index.First(to) - 1;
        if (lo <= hi)
        {
            using var cmd = db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = Insert;
            cmd.Parameters.AddWithValue("$lo", lo);
            cmd.Parameters.AddWithValue("$hi", hi);
            cmd.Parameters.AddWithValue("$from", from);
            cmd.Parameters.AddWithValue("$to", to);
            rows = cmd.ExecuteNonQuery();
        }
        using (var set = db.CreateCommand())
        {
            set.Transaction = tx;
            set.CommandText = "INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value;";
            set.Parameters.AddWithValue("$k", WatermarkKey);
            set.Parameters.AddWithValue("$v", to);
            set.ExecuteNonQuery();
        }
        return new RollupResult(rows, to, to < target);
    }

    /// <summary>The end (exclusive, unix seconds) of the last rolled minute; null: nothing rolled yet (or a database before v6).</summary>
    public static long? Watermark(SqliteConnection db, SqliteTransaction? tx = null)
    {
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k;";
        cmd.Parameters.AddWithValue("$k", WatermarkKey);
        return cmd.ExecuteScalar() is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The start of the minute holding <paramref name="unixS"/>.</summary>
    public static long Minute(long unixS) => unixS - (((unixS % 60) + 60) % 60);
}
