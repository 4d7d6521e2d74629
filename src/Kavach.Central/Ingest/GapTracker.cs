using Npgsql;
using NpgsqlTypes;

namespace Kavach.Central.Ingest;

/// <summary>
/// Per stream (device, epoch): the seq ranges still missing below the highest seq seen. Set arithmetic, so the order
/// messages arrive in does not matter: gaps = {1..max} minus what arrived minus what was shed. Runs inside the batch's
/// transaction with the stream rows locked (in key order: two instances updating one stream wait for each other).
/// </summary>
public static class GapTracker
{
    public readonly record struct Range(long From, long To);

    private sealed class Stream
    {
        public long MaxSeq,
            NewMax,
            Received;
        public readonly List<(Range R, DateTime? OpenedAt)> Gaps = [];
        public readonly List<Range> Covered = [];
    }

    /// <summary>Applies the alerts that were new (<paramref name="arrived"/>) and the shed ranges of one batch.</summary>
    public static async Task ApplyAsync(
        NpgsqlConnection c,
        NpgsqlTransaction tx,
        IEnumerable<(string Device, string Epoch, long Seq)> arrived,
        IEnumerable<(string Device, string Epoch, long From, long To)> shed,
        CancellationToken ct
    )
    {
        var streams = new SortedDictionary<(string, string), Stream>(
            Comparer<(string, string)>.Create(
                (a, b) =>
                {
                    var d = string.CompareOrdinal(a.Item1, b.Item1);
                    return d != 0 ? d : string.CompareOrdinal(a.Item2, b.Item2);
                }
            )
        );
        Stream Get(string d, string e)
        {
            if (!streams.TryGetValue((d, e), out var s))
                streams[(d, e)] = s = new Stream();
            return s;
        }
        foreach (var (d, e, seq) in arrived)
        {
            var s = Get(d, e);
            s.Covered.Add(new Range(seq, seq));
            s.Received++;
        }
        foreach (var (d, e, from, to) in shed)
            Get(d, e).Covered.Add(new Range(from, to));
        if (streams.Count == 0)
            return;
        var devices = streams.Keys.Select(k => k.Item1).ToArray();
        var epochs = streams.Keys.Select(k => k.Item2).ToArray();

        await using (
            var cmd = new NpgsqlCommand("INSERT INTO streams (device_id, epoch) SELECT * FROM unnest($1, $2) ON CONFLICT DO NOTHING", c, tx)
        )
        {
            Add(cmd, NpgsqlDbType.Text, devices);
            Add(cmd, NpgsqlDbType.Text, epochs);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (
            var cmd = new NpgsqlCommand(
                """
                SELECT s.device_id, s.epoch, s.max_seq FROM streams s JOIN unnest($1, $2) AS u(d, e) ON s.device_id = u.d AND s.epoch = u.e
                ORDER BY s.device_id, s.epoch FOR UPDATE OF s
                """,
                c,
                tx
            )
        )
        {
            Add(cmd, NpgsqlDbType.Text, devices);
            Add(cmd, NpgsqlDbType.Text, epochs);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                Get(r.GetString(0), r.GetString(1)).MaxSeq = r.GetInt64(2);
        }
        await using (
            var cmd = new NpgsqlCommand(
                """
                DELETE FROM gaps g USING unnest($1, $2) AS u(d, e) WHERE g.device_id = u.d AND g.epoch = u.e
                RETURNING g.device_id, g.epoch, g.from_seq, g.to_seq, g.opened_at
                """,
                c,
                tx
            )
        )
        {
            Add(cmd, NpgsqlDbType.Text, devices);
            Add(cmd, NpgsqlDbType.Text, epochs);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                Get(r.GetString(0), r.GetString(1)).Gaps.Add((new Range(r.GetInt64(2), r.GetInt64(3)), r.GetDateTime(4)));
        }

        var gapRows = new List<(string D, string E, Range R, DateTime? At)>();
        foreach (var ((d, e), s) in streams)
        {
            s.NewMax = Math.Max(s.MaxSeq, s.Covered.Max(x => x.To));
            if (s.NewMax > s.MaxSeq)
                s.Gaps.Add((new Range(s.MaxSeq + 1, s.NewMax), null));
            foreach (var (r, at) in s.Gaps)
            foreach (var piece in Subtract(r, s.Covered))
                gapRows.Add((d, e, piece, at));
        }
        if (gapRows.Count > 0)
        {
            await using var cmd = new NpgsqlCommand(
                """
                INSERT INTO gaps (device_id, epoch, from_seq, to_seq, opened_at)
                SELECT d, e, f, t, coalesce(o, now()) FROM unnest($1, $2, $3, $4, $5) AS u(d, e, f, t, o)
                """,
                c,
                tx
            );
            Add(cmd, NpgsqlDbType.Text, gapRows.Select(g => g.D).ToArray());
            Add(cmd, NpgsqlDbType.Text, gapRows.Select(g => g.E).ToArray());
            Add(cmd, NpgsqlDbType.Bigint, gapRows.Select(g => g.R.From).ToArray());
            Add(cmd, NpgsqlDbType.Bigint, gapRows.Select(g => g.R.To).ToArray());
            Add(cmd, NpgsqlDbType.TimestampTz, gapRows.Select(g => g.At).ToArray());
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (
            var cmd = new NpgsqlCommand(
                """
                UPDATE streams s SET max_seq = u.m, received = s.received + u.r, updated_at = now()
                FROM unnest($1, $2, $3, $4) AS u(d, e, m, r) WHERE s.device_id = u.d AND s.epoch = u.e
                """,
                c,
                tx
            )
        )
        {
            Add(cmd, NpgsqlDbType.Text, devices);
            Add(cmd, NpgsqlDbType.Text, epochs);
            Add(cmd, NpgsqlDbType.Bigint, streams.Values.Select(s => s.NewMax).ToArray());
            Add(cmd, NpgsqlDbType.Bigint, streams.Values.Select(s => s.Received).ToArray());
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>The parts of <paramref name="gap"/> that none of <paramref name="covered"/> covers, in order.</summary>
    public static IEnumerable<Range> Subtract(Range gap, IReadOnlyList<Range> covered)
    {
        var pieces = new List<Range> { gap };
        foreach (var c in covered)
        {
            var next = new List<Range>(pieces.Count + 1);
            foreach (var p in pieces)
            {
                if (c.To < p.From || c.From > p.To)
                {
                    next.Add(p);
                    continue;
                }
                if (c.From > p.From)
                    next.Add(new Range(p.From, c.From - 1));
                if (c.To < p.To)
                    next.Add(new Range(c.To + 1, p.To));
            }
            pieces = next;
        }
        return pieces;
    }

    private static void Add<T>(NpgsqlCommand cmd, NpgsqlDbType elementType, T[] values) =>
        cmd.Parameters.Add(new NpgsqlParameter<T[]> { NpgsqlDbType = NpgsqlDbType.Array | elementType, TypedValue = values });
}
