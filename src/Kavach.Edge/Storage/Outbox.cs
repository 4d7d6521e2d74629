using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>One outbox row: an alert, or a shed record naming alerts the full outbox dropped.</summary>
public sealed record OutboxItem(long Id, string Kind, long SeqFrom, long SeqTo, string Payload);

/// <summary>
/// The outbox as the uplink sees it (storage owns the database; the uplink never opens it). Not thread-safe:
/// one loop owns it. Rows leave only after their PUBACK (<see cref="Remove"/>): at least once, in order.
/// </summary>
public interface IOutbox
{
    /// <summary>The oldest rows, in send order (empty while the database is not migrated yet).</summary>
    List<OutboxItem> Peek(int max);

    /// <summary>Removes rows whose PUBACK arrived (matched on id, kind and range).</summary>
    void Remove(IReadOnlyList<OutboxItem> sent);

    /// <summary>Rows waiting (-1 when the database cannot be read now).</summary>
    long Count();

    /// <summary>
    /// The broker refused <paramref name="refused"/> (a PUBACK reason other than success): in one transaction it
    /// moves to the dead-letter table with <paramref name="reason"/> and, in its place at the head of the queue, a
    /// small 'rejected' record naming its seq goes out instead (none for a refused 'rejected' record: no loop).
    /// The queue then goes on.
    /// </summary>
    void DeadLetter(OutboxItem refused, string reason, string deviceId, DateTimeOffset utc);

    /// <summary>The run and risk change an alert seq was committed with (null when unknown or pruned).</summary>
    (long Run, long Change)? FindAlert(long seq);

    /// <summary>The seq of the alert committed for a run's risk change (null when none).</summary>
    long? FindSeq(long run, long change);
}

/// <summary>
/// The uplink's view of the outbox, on its own connection (WAL lets it read while the storage service
/// writes). Rows leave only after their PUBACK (<see cref="Remove"/>), so a crash resends rather than
/// loses: at least once, in order. Removal uses synchronous=NORMAL: a removal lost to a power cut only
/// means one duplicate send. Not thread-safe: the uplink loop owns it.
/// </summary>
public sealed class Outbox : IOutbox, IDisposable
{
    private SqliteConnection? _db;
    private readonly string _path;

    public Outbox(string path) => _path = Path.GetFullPath(path);

    private SqliteConnection Db => _db ??= EventStore.Connect(_path, synchronousFull: false);

    /// <summary>The oldest rows, in send order.</summary>
    public List<OutboxItem> Peek(int max)
    {
        try
        {
            using var cmd = Db.CreateCommand();
            cmd.CommandText = "SELECT id, kind, seq_from, seq_to, payload FROM outbox ORDER BY id LIMIT $n;";
            cmd.Parameters.AddWithValue("$n", max);
            using var r = cmd.ExecuteReader();
            var list = new List<OutboxItem>();
            while (r.Read())
                list.Add(new OutboxItem(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4)));
            return list;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1 && e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return []; // the storage service has not migrated the file yet
        }
        catch
        {
            Reset();
            throw;
        }
    }

    /// <summary>
    /// Removes rows whose PUBACK arrived. A row is matched on id, kind and range: a shed record that
    /// took over an in-flight alert's id, or grew since it was read, stays and is sent again.
    /// </summary>
    public void Remove(IReadOnlyList<OutboxItem> sent)
    {
        if (sent.Count == 0)
            return;
        try
        {
            using var tx = Db.BeginTransaction();
            using var cmd = Db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM outbox WHERE id = $id AND kind = $kind AND seq_from = $from AND seq_to = $to;";
            var id = cmd.Parameters.Add("$id", SqliteType.Integer);
            var kind = cmd.Parameters.Add("$kind", SqliteType.Text);
            var from = cmd.Parameters.Add("$from", SqliteType.Integer);
            var to = cmd.Parameters.Add("$to", SqliteType.Integer);
            foreach (var item in sent)
            {
                id.Value = item.Id;
                kind.Value = item.Kind;
                from.Value = item.SeqFrom;
                to.Value = item.SeqTo;
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        catch
        {
            Reset();
            throw;
        }
    }

    /// <summary>Rows waiting.</summary>
    public long Count()
    {
        try
        {
            return Sql.Long(Db, "SELECT COUNT(*) FROM outbox;");
        }
        catch (SqliteException)
        {
            Reset();
            return -1;
        }
    }

    public void DeadLetter(OutboxItem refused, string reason, string deviceId, DateTimeOffset utc)
    {
        try
        {
            using var tx = Db.BeginTransaction();
            using (var cmd = Db.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = """
                    DELETE FROM outbox WHERE id = $id AND kind = $kind AND seq_from = $from AND seq_to = $to;
                    INSERT INTO dead_letter (ts_utc, kind, seq_from, seq_to, payload, reason) VALUES ($ts, $kind, $from, $to, $payload, $reason);
                    """;
                cmd.Parameters.AddWithValue("$id", refused.Id);
                cmd.Parameters.AddWithValue("$kind", refused.Kind);
                cmd.Parameters.AddWithValue("$from", refused.SeqFrom);
                cmd.Parameters.AddWithValue("$to", refused.SeqTo);
                cmd.Parameters.AddWithValue("$ts", AlertJson.Iso(utc));
                cmd.Parameters.AddWithValue("$payload", refused.Payload);
                cmd.Parameters.AddWithValue("$reason", reason);
                cmd.ExecuteNonQuery();
            }
            if (refused.Kind != "rejected")
            {
                var epoch = Sql.Scalar(Db, "SELECT value FROM meta WHERE key = 'epoch';", tx) as string ?? "";
                using var cmd = Db.CreateCommand();
                cmd.Transaction = tx;
                // the refused row's id: the record takes its place in the send order
                cmd.CommandText =
                    "INSERT INTO outbox (id, kind, seq_from, seq_to, payload) VALUES ($id, 'rejected', $from, $to, $payload);";
                cmd.Parameters.AddWithValue("$id", refused.Id);
                cmd.Parameters.AddWithValue("$from", refused.SeqFrom);
                cmd.Parameters.AddWithValue("$to", refused.SeqTo);
                cmd.Parameters.AddWithValue("$payload", AlertJson.Rejected(deviceId, epoch, refused.SeqFrom, refused.SeqTo, reason, utc));
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
        catch
        {
            Reset();
            throw;
        }
    }

    /// <summary>The run and risk change an alert seq was committed with (null when unknown or pruned).</summary>
    public (long Run, long Change)? FindAlert(long seq)
    {
        using var cmd = Db.CreateCommand();
        cmd.CommandText = "SELECT run, change FROM events WHERE seq = $seq;";
        cmd.Parameters.AddWithValue("$seq", seq);
        using var r = cmd.ExecuteReader();
        if (!r.Read() || r.IsDBNull(0) || r.IsDBNull(1))
            return null;
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>The seq of the alert committed for a run's risk change (null when none).</summary>
    public long? FindSeq(long run, long change)
    {
        using var cmd = Db.CreateCommand();
        cmd.CommandText = "SELECT seq FROM events WHERE run = $run AND change = $change;";
        cmd.Parameters.AddWithValue("$run", run);
        cmd.Parameters.AddWithValue("$change", change);
        return cmd.ExecuteScalar() is long seq ? seq : null;
    }

    /// <summary>Drops the connection (after an error, or when the file was replaced); the next call reopens.</summary>
    public void Reset()
    {
        _db?.Dispose();
        _db = null;
    }

    public void Dispose() => Reset();

    /// <summary>
    /// Storage side, inside the alert's transaction: while more than <paramref name="keepAlerts"/> alerts
    /// wait, drops the oldest and records their seq range in the shed record at the head (merging with one
    /// not yet sent). Returns how many alerts were dropped.
    /// </summary>
    internal static long MakeRoom(
        SqliteConnection db,
        SqliteTransaction tx,
        int keepAlerts,
        string deviceId,
        string epoch,
        DateTimeOffset utc
    )
    {
        var excess = Sql.Long(db, "SELECT COUNT(*) FROM outbox WHERE kind = 'alert';", tx) - keepAlerts;
        if (excess <= 0)
            return 0;
        long minId,
            fromSeq,
            toSeq;
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                SELECT MIN(id), MIN(seq_from), MAX(seq_to) FROM
                  (SELECT id, seq_from, seq_to FROM outbox WHERE kind = 'alert' ORDER BY id LIMIT $n);
                """;
            cmd.Parameters.AddWithValue("$n", excess);
            using var r = cmd.ExecuteReader();
            r.Read();
            (minId, fromSeq, toSeq) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
        }
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE kind = 'alert' ORDER BY id LIMIT $n);";
            cmd.Parameters.AddWithValue("$n", excess);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "SELECT id, seq_from FROM outbox WHERE kind = 'shed' ORDER BY id LIMIT 1;";
            using var r = cmd.ExecuteReader();
            if (r.Read())
            {
                minId = Math.Min(minId, r.GetInt64(0));
                fromSeq = Math.Min(fromSeq, r.GetInt64(1));
            }
        }
        using (var cmd = db.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                DELETE FROM outbox WHERE kind = 'shed';
                INSERT INTO outbox (id, kind, seq_from, seq_to, payload) VALUES ($id, 'shed', $from, $to, $payload);
                """;
            cmd.Parameters.AddWithValue("$id", minId);
            cmd.Parameters.AddWithValue("$from", fromSeq);
            cmd.Parameters.AddWithValue("$to", toSeq);
            cmd.Parameters.AddWithValue("$payload", AlertJson.Shed(deviceId, epoch, fromSeq, toSeq, utc));
            cmd.ExecuteNonQuery();
        }
        return excess;
    }
}
