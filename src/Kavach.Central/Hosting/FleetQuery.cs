using Npgsql;

namespace Kavach.Central.Hosting;

/// <summary>
/// The fleet as the operator sees it (<c>GET /api/fleet</c>) and one device's history (<c>GET /api/devices/{id}/alerts</c>).
/// Online is judged live here with the silence rule of <see cref="SilenceSweeper"/>, so the view is exact even between
/// two sweeps. The open episode is the latest alert of the device's current stream that rose in severity (its level above
/// its <c>previous</c>, or the first ever), while the latest level is above LOW — as the daemon numbers its episodes.
/// </summary>
public static class FleetQuery
{
    /// <summary>The order of the list, most urgent first (ties by device id).</summary>
    public static readonly string[] Ranks =
    [
        "high-unacknowledged",
        "fault-unacknowledged",
        "offline",
        "high",
        "fault",
        "medium-unacknowledged",
        "medium",
        "low",
        "no-alert",
    ];

    /// <summary>The fleet, or only <paramref name="deviceId"/> when given.</summary>
    public static async Task<FleetView> ReadAsync(
        NpgsqlDataSource db,
        TimeSpan silenceLimit,
        int keepAliveS,
        DateTimeOffset utc,
        CancellationToken ct,
        string? deviceId = null
    )
    {
        await using var cmd = db.CreateCommand(
            $"""
            SELECT d.device_id, d.online AND NOT coalesce({SilenceSweeper.SilentSql}, true),
                   CASE WHEN d.online AND coalesce({SilenceSweeper.SilentSql}, true) THEN 'silent' ELSE d.state END,
                   d.level, d.level_ts, d.last_seen, extract(epoch FROM now() - d.last_seen)::float8,
                   d.software, d.commissioning, d.last_epoch, d.last_seq,
                   g.n, g.missing, ep.seq, ep.level, ep.ts, ack.at
            FROM devices d
            CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(x.to_seq - x.from_seq + 1), 0)::bigint AS missing
                                FROM gaps x WHERE x.device_id = d.device_id) g
            LEFT JOIN LATERAL (SELECT a.seq, a.level, a.ts FROM alerts a
                               WHERE a.device_id = d.device_id AND a.epoch = d.last_epoch AND a.seq <= d.last_seq
                                 AND (a.previous IS NULL OR kavach_level_rank(a.level) > kavach_level_rank(a.previous))
                               ORDER BY a.seq DESC LIMIT 1) ep ON d.level IS NOT NULL AND d.level <> 'LOW'
            LEFT JOIN LATERAL (SELECT min(r.received_at) AS at FROM cmd_results r
                               WHERE r.device_id = d.device_id AND r.command = 'ack' AND r.accepted AND r.seq = ep.seq) ack ON ep.seq IS NOT NULL
            WHERE $2::text IS NULL OR d.device_id = $2
            """
        );
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = silenceLimit.TotalSeconds });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = deviceId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var list = new List<(int Rank, FleetDevice D)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var online = r.GetBoolean(1);
                var level = Str(r, 3);
                FleetEpisode? episode = r.IsDBNull(13)
                    ? null
                    : new FleetEpisode(r.GetInt64(13), r.GetString(14), Time(r, 15)!.Value, !r.IsDBNull(16), Time(r, 16));
                var acked = episode?.Acknowledged ?? false;
                var rank = (level, online, acked) switch
                {
                    ("HIGH", _, false) => 0,
                    ("FAULT", _, false) => 1,
                    (_, false, _) => 2,
                    ("HIGH", _, true) => 3,
                    ("FAULT", _, true) => 4,
                    ("MEDIUM", _, false) => 5,
                    ("MEDIUM", _, true) => 6,
                    ("LOW", _, _) => 7,
                    _ => 8,
                };
                list.Add(
                    (
                        rank,
                        new FleetDevice(
                            r.GetString(0),
                            online,
                            Str(r, 2),
                            level,
                            Time(r, 4),
                            Time(r, 5),
                            r.IsDBNull(6) ? null : Math.Round(r.GetDouble(6), 1),
                            Str(r, 7),
                            Str(r, 8),
                            Str(r, 9),
                            r.IsDBNull(10) ? null : r.GetInt64(10),
                            r.GetInt64(11),
                            r.GetInt64(12),
                            episode,
                            Ranks[rank]
                        )
                    )
                );
            }
        }
        var fleet = list.OrderBy(x => x.Rank).ThenBy(x => x.D.DeviceId, StringComparer.Ordinal).Select(x => x.D).ToList();
        return new FleetView(utc, keepAliveS, silenceLimit.TotalSeconds, fleet.Count, fleet.Count(d => d.Online), fleet);
    }

    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>One page of a device's alerts, newest first (by ts, then epoch and seq), those stamped before
    /// <paramref name="before"/>; null when the device is unknown.</summary>
    public static async Task<HistoryView?> HistoryAsync(
        NpgsqlDataSource db,
        string deviceId,
        DateTimeOffset? before,
        int limit,
        CancellationToken ct
    )
    {
        await using var c = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using (var known = new NpgsqlCommand("SELECT 1 FROM devices WHERE device_id = $1", c))
        {
            known.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
            if (await known.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
                return null;
        }
        await using var cmd = new NpgsqlCommand(
            """
            SELECT epoch, seq, ts, level, previous, clock_synced, received_at,
                   ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(payload -> 'reasons') = 'array' THEN payload -> 'reasons' ELSE '[]'::jsonb END)),
                   payload ->> 'raisedBy', coalesce(payload -> 'maintenance' = 'true'::jsonb, false)
            FROM alerts
            WHERE device_id = $1 AND ($2::timestamptz IS NULL OR ts < $2)
            ORDER BY ts DESC, epoch DESC, seq DESC
            LIMIT $3
            """,
            c
        );
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = deviceId });
        cmd.Parameters.Add(
            new NpgsqlParameter<DateTime?> { TypedValue = before?.UtcDateTime, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz }
        );
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var alerts = new List<HistoryAlert>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            alerts.Add(
                new HistoryAlert(
                    r.GetString(0),
                    r.GetInt64(1),
                    Time(r, 2)!.Value,
                    r.GetString(3),
                    Str(r, 4),
                    r.GetBoolean(5),
                    Time(r, 6)!.Value,
                    r.GetFieldValue<string[]>(7),
                    Str(r, 8),
                    r.GetBoolean(9)
                )
            );
        return new HistoryView(deviceId, alerts, alerts.Count == limit ? alerts[^1].Ts : null);
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(r.GetDateTime(i), TimeSpan.Zero);
}
