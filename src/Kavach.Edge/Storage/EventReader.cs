using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>One stored level change as the local API shows it. <see cref="Run"/> and <see cref="Change"/> (null on a v1 row) name it for
/// the incident report (/api/incidents/RUN-CHANGE).</summary>
public sealed record EventRow(
    long Id,
    string Utc,
    string Level,
    string? Previous,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Faults,
    double? VisibilityM,
    bool VisibilityBound,
    string? FogClass,
    double? ObstacleRangeM,
    double? ClosingSpeedMps,
    double? TtcS,
    string? ObstacleSource,
    string RaisedBy,
    long? Run = null,
    long? Change = null
);

/// <summary>A page of events, newest first; <see cref="Next"/> is the <c>before</c> cursor of the next page (null: no more).</summary>
public sealed record EventPage(IReadOnlyList<EventRow> Events, long? Next);

/// <summary>Which events to read: UTC bounds as stored ISO 8601 text (to exclusive), a level name, a page size and an id cursor.</summary>
public sealed record EventFilter(string? FromUtc, string? ToUtc, string? Level, int Limit, long? Before);

/// <summary>The database could not be read now (locked, missing, I/O); the message says why.</summary>
public sealed class StorageReadException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Stored events for readers outside storage (the local API). Thread-safe; throws
/// <see cref="StorageReadException"/> when the database cannot be read.
/// </summary>
public interface IEventReader
{
    EventPage Read(EventFilter filter);
}

/// <summary>
/// Reads pages of stored level changes through a read-only SQLite connection opened per query (WAL lets it
/// read while the storage service writes; it never takes the writer's lock). Newest first, <c>Limit</c> rows
/// before the <c>Before</c> id cursor.
/// </summary>
public sealed class EventReader(string databasePath) : IEventReader
{
    public EventPage Read(EventFilter f)
    {
        try
        {
            return Query(f);
        }
        catch (SqliteException e)
        {
            throw new StorageReadException(e.Message, e);
        }
    }

    private EventPage Query(EventFilter f)
    {
        using var db = new SqliteConnection(
            new SqliteConnectionStringBuilder
            {
                DataSource = databasePath,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            }.ToString()
        );
        db.Open();
        using var cmd = db.CreateCommand();
        var where = new List<string>();
        if (f.FromUtc is not null)
        {
            where.Add("ts_utc >= $from");
            cmd.Parameters.AddWithValue("$from", f.FromUtc);
        }
        if (f.ToUtc is not null)
        {
            where.Add("ts_utc < $to");
            cmd.Parameters.AddWithValue("$to", f.ToUtc);
        }
        if (f.Level is not null)
        {
            where.Add("level = $level");
            cmd.Parameters.AddWithValue("$level", f.Level);
        }
        if (f.Before is not null)
        {
            where.Add("id < $before");
            cmd.Parameters.AddWithValue("$before", f.Before);
        }
        cmd.CommandText = $"""
            SELECT id, ts_utc, level, previous, reasons, faults, visibility_m, visibility_bound, fog_class,
                   obstacle_range_m, closing_speed_mps, ttc_s, obstacle_source, raised_by, run, change
            FROM events {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")}
            ORDER BY id DESC LIMIT $limit;
            """;
        cmd.Parameters.AddWithValue("$limit", f.Limit + 1);
        using var r = cmd.ExecuteReader();
        var rows = new List<EventRow>();
        while (r.Read())
        {
            rows.Add(
                new EventRow(
                    r.GetInt64(0),
                    r.GetString(1),
                    r.GetString(2),
                    Str(r, 3),
                    JsonText.ParseArray(r.GetString(4)),
                    JsonText.ParseArray(r.GetString(5)),
                    Dbl(r, 6),
                    r.GetInt64(7) != 0,
                    Str(r, 8),
                    Dbl(r, 9),
                    Dbl(r, 10),
                    Dbl(r, 11),
                    Str(r, 12),
                    r.GetString(13),
                    r.IsDBNull(14) ? null : r.GetInt64(14),
                    r.IsDBNull(15) ? null : r.GetInt64(15)
                )
            );
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
