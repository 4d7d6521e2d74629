using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Storage;

/// <summary>
/// Finds time ranges in <c>summaries</c>, which has no index but its rowid: its rows are appended in time order, so the first
/// row at or after a time is found by a binary search on the rowid (about 25 single-row lookups) and a range is then read by
/// <c>id BETWEEN lo AND hi</c>. A clock stepped backwards can break that order; callers still filter on <c>ts_s</c>, so the worst
/// case is a row missed next to such a step, never a wrong value. Not thread-safe: one per query, disposed with it.
/// </summary>
internal sealed class SummaryIndex : IDisposable
{
    private readonly SqliteCommand _at;
    private readonly SqliteParameter _id;
    private readonly long _minId,
        _maxId;

    private SummaryIndex(SqliteConnection db, SqliteTransaction? tx, long minId, long maxId)
    {
        (_minId, _maxId) = (minId, maxId);
        _at = db.CreateCommand();
        _at.Transaction = tx;
        _at.CommandText = "SELECT id, ts_s FROM summaries WHERE id >= $id ORDER BY id LIMIT 1;";
        _id = _at.Parameters.Add("$id", SqliteType.Integer);
        _at.Prepare();
    }

    /// <summary>Null when the table is empty.</summary>
    public static SummaryIndex? Open(SqliteConnection db, SqliteTransaction? tx = null)
    {
        // two queries: SQLite answers a lone MIN or MAX of the rowid from the b-tree's edge, but MIN(id), MAX(id) together scan
        long? Edge(string order)
        {
            using var c = db.CreateCommand();
            c.Transaction = tx;
            c.CommandText = $"SELECT id FROM summaries ORDER BY id {order} LIMIT 1;";
            return c.ExecuteScalar() is long v ? v : null;
        }
        return Edge("ASC") is { } minId && Edge("DESC") is { } maxId ? new SummaryIndex(db, tx, minId, maxId) : null;
    }

    /// <summary>The rowid of the first row whose ts_s ≥ <paramref name="unixS"/> (the last rowid + 1 when none).</summary>
    public long First(long unixS)
    {
        long a = _minId,
            b = _maxId + 1;
        while (a < b)
        {
            var mid = a + (b - a) / 2;
            if (At(mid) is not { } row)
            {
                b = mid;
                continue;
            }
            if (row.TsS >= unixS)
                b = mid;
            else
                a = row.Id + 1;
        }
        return a;
    }

    /// <summary>The first row at or after rowid <paramref name="id"/> (null: none).</summary>
    public (long Id, long TsS)? At(long id)
    {
        _id.Value = id;
        using var r = _at.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetInt64(1)) : null;
    }

    /// <summary>The rowids holding ts_s in [from, to): lo &gt; hi when none.</summary>
    public (long Lo, long Hi) Range(long fromS, long toS) => (First(fromS), First(toS) - 1);

    /// <summary>The latest row's ts_s.</summary>
    public long LastTsS => At(_maxId)!.Value.TsS;

    public void Dispose() => _at.Dispose();
}
