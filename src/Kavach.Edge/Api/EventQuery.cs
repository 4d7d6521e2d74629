using System.Globalization;
using Kavach.Edge.Storage;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Api;

/// <summary>
/// Pages of stored level changes for /api/events, read through a read-only SQLite connection opened per
/// query (WAL lets it read while the storage service writes; it never takes the writer's lock).
/// Filters: <c>from</c>/<c>to</c> (ISO 8601, to exclusive), <c>level</c>; newest first, <c>limit</c> rows
/// (≤ <see cref="MaxLimit"/>) before the <c>before</c> id cursor.
/// </summary>
public sealed class EventQuery(string databasePath)
{
    public const int MaxLimit = 500;
    public const int DefaultLimit = 50;

    private static readonly string[] Keys = ["from", "to", "level", "limit", "before"];

    public sealed record Filter(string? FromUtc, string? ToUtc, string? Level, int Limit, long? Before);

    /// <summary>Parses the query string; null and an error detail for a bad or unknown parameter.</summary>
    public static Filter? Parse(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> query, out string? error)
    {
        error = null;
        string? from = null, to = null, level = null;
        int limit = DefaultLimit;
        long? before = null;
        foreach (var (key, values) in query)
        {
            var v = values.ToString();
            if (!Keys.Contains(key, StringComparer.Ordinal) || values.Count != 1) { error = $"unknown or repeated parameter '{Alarm.RemoteText.Clean(key)}' (known: {string.Join(", ", Keys)})"; return null; }
            switch (key)
            {
                case "from" or "to":
                    if (!DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) { error = $"{key}: '{Alarm.RemoteText.Clean(v)}' is not an ISO 8601 time"; return null; }
                    var text = t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture); // the stored format: compares as text
                    if (key == "from") from = text; else to = text;
                    break;
                case "level":
                    level = v.ToUpperInvariant();
                    if (level is not ("LOW" or "MEDIUM" or "HIGH" or "FAULT")) { error = $"level: '{Alarm.RemoteText.Clean(v)}' is not one of LOW, MEDIUM, HIGH, FAULT"; return null; }
                    break;
                case "limit":
                    if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit) { error = $"limit: must be 1-{MaxLimit}"; return null; }
                    break;
                case "before":
                    if (!long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b < 1) { error = "before: must be an event id (≥ 1)"; return null; }
                    before = b;
                    break;
            }
        }
        return new Filter(from, to, level, limit, before);
    }

    /// <summary>Reads one page. Throws <see cref="SqliteException"/> when the database cannot be read.</summary>
    public EventPage Read(Filter f)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        var where = new List<string>();
        if (f.FromUtc is not null) { where.Add("ts_utc >= $from"); cmd.Parameters.AddWithValue("$from", f.FromUtc); }
        if (f.ToUtc is not null) { where.Add("ts_utc < $to"); cmd.Parameters.AddWithValue("$to", f.ToUtc); }
        if (f.Level is not null) { where.Add("level = $level"); cmd.Parameters.AddWithValue("$level", f.Level); }
        if (f.Before is not null) { where.Add("id < $before"); cmd.Parameters.AddWithValue("$before", f.Before); }
        cmd.CommandText = $"""
            SELECT id, ts_utc, level, previous, reasons, faults, visibility_m, visibility_bound, fog_class,
                   obstacle_range_m, closing_speed_mps, ttc_s, obstacle_source, raised_by
            FROM events {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY id DESC LIMIT $limit;
            """;
        cmd.Parameters.AddWithValue("$limit", f.Limit + 1);
        using var r = cmd.ExecuteReader();
        var rows = new List<EventRow>();
        while (r.Read())
        {
            rows.Add(new EventRow(r.GetInt64(0), r.GetString(1), r.GetString(2), Str(r, 3), JsonText.ParseArray(r.GetString(4)), JsonText.ParseArray(r.GetString(5)),
                Dbl(r, 6), r.GetInt64(7) != 0, Str(r, 8), Dbl(r, 9), Dbl(r, 10), Dbl(r, 11), Str(r, 12), r.GetString(13)));
        }
        long? next = null;
        if (rows.Count > f.Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = rows[^1].Id;
        }
        return new EventPage(rows, next);
    }

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static double? Dbl(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : Math.Round(r.GetDouble(i), 2);
}
