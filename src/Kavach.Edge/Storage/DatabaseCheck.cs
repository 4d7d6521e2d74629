using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>
/// The database file could not be opened for a reason other than corruption (busy, locked, I/O, read-only,
/// cannot open, permission). The file is left where it is: moving it aside would restart seq at 1.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Tells a corrupt database from one that is merely unavailable, and reads what can be saved from a file
/// that was moved aside. Only SQLite's own verdict counts as corrupt: SQLITE_CORRUPT (11), SQLITE_NOTADB (26),
/// including their extended codes (sqlite.org/rescode.html), or a failed <c>quick_check</c>.
/// </summary>
public static class DatabaseCheck
{
    private const int SqliteCorrupt = 11,
        SqliteNotADb = 26;

    /// <summary>
    /// For selftest: opens the existing database read-write (never creates it), takes the write lock, writes a
    /// probe table and rolls it back. Returns the schema version and the event count (-1: no events table).
    /// Throws <see cref="StorageUnavailableException"/> naming the cause when it cannot.
    /// </summary>
    public static (long Version, long Events) ProbeWritable(string path)
    {
        try
        {
            var cs = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = false,
                DefaultTimeout = 3,
            }.ToString();
            using var db = new SqliteConnection(cs);
            db.Open();
            Sql.Exec(db, "PRAGMA busy_timeout=3000;");
            using var tx = db.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: takes the write lock
            Sql.Exec(db, "CREATE TABLE kavach_selftest_probe (x INTEGER); INSERT INTO kavach_selftest_probe VALUES (1);", tx);
            var version = Sql.Long(db, "PRAGMA user_version;", tx);
            var events =
                Sql.Long(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='events';", tx) == 1
                    ? Sql.Long(db, "SELECT count(*) FROM events;", tx)
                    : -1;
            tx.Rollback();
            return (version, events);
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException(e.Message, e);
        }
    }

    /// <summary>Whether <paramref name="e"/> is SQLite saying the file is corrupt or not a database.</summary>
    public static bool IsCorruption(SqliteException e) =>
        (e.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADb || (e.SqliteExtendedErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADb;

    /// <summary>
    /// True when the existing file at <paramref name="path"/> is corrupt; false when it is healthy. Any other
    /// failure throws <see cref="StorageUnavailableException"/> naming the cause.
    /// </summary>
    public static bool IsCorrupt(string path)
    {
        try
        {
            // Default Timeout (seconds) bounds Microsoft.Data.Sqlite's own retry on SQLITE_BUSY (default 30 s).
            using var db = new SqliteConnection(
                new SqliteConnectionStringBuilder
                {
                    DataSource = path,
                    Mode = SqliteOpenMode.ReadOnly,
                    Pooling = false,
                    DefaultTimeout = 5,
                }.ToString()
            );
            db.Open();
            return Sql.Scalar(db, "PRAGMA quick_check;") as string != "ok";
        }
        catch (SqliteException e) when (IsCorruption(e))
        {
            return true;
        }
        catch (SqliteException e)
        {
            throw new StorageUnavailableException(
                $"cannot open {path}: {e.Message} (extended code {e.SqliteExtendedErrorCode}); left in place, not moved aside",
                e
            );
        }
    }

    /// <summary>
    /// Best effort: the unsent outbox rows of a moved-aside file, in send order (empty when none can be read).
    /// They are re-sent as they were, with their original epoch and seq, so a receiver keeps de-duplicating them.
    /// </summary>
    public static List<OutboxItem> ReadOutbox(string path)
    {
        var rows = new List<OutboxItem>();
        try
        {
            using var db = new SqliteConnection(
                new SqliteConnectionStringBuilder
                {
                    DataSource = path,
                    Mode = SqliteOpenMode.ReadOnly,
                    Pooling = false,
                    DefaultTimeout = 5,
                }.ToString()
            );
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT id, kind, seq_from, seq_to, payload FROM outbox ORDER BY id;";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                rows.Add(new OutboxItem(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4)));
        }
        catch (SqliteException)
        {
            // the rows read before the damage are kept
        }
        catch (InvalidCastException)
        {
            // a damaged row: keep what was read before it
        }
        return rows;
    }

    /// <summary>
    /// Queues a moved-aside file's unsent rows ahead of the new epoch's alerts, as kind 'recovered' (never shed,
    /// never merged into the new epoch's shed records), payloads byte for byte: original epoch and seq.
    /// </summary>
    internal static void Requeue(SqliteConnection db, List<OutboxItem> rows)
    {
        if (rows.Count == 0)
            return;
        using var tx = db.BeginTransaction();
        using var cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO outbox (kind, seq_from, seq_to, payload) VALUES ('recovered', $from, $to, $payload);";
        var from = cmd.Parameters.Add("$from", SqliteType.Integer);
        var to = cmd.Parameters.Add("$to", SqliteType.Integer);
        var payload = cmd.Parameters.Add("$payload", SqliteType.Text);
        foreach (var row in rows)
        {
            (from.Value, to.Value, payload.Value) = (row.SeqFrom, row.SeqTo, row.Payload);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }
}
