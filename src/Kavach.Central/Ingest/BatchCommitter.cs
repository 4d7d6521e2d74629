using Kavach.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Kavach.Central.Ingest;

/// <summary>
/// Commits one batch of received messages in one PostgreSQL transaction: alerts with one multi-row
/// <c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING</c> (a re-delivery is a no-op), shed records, statuses,
/// command results and the devices they touch, and messages that do not fit the contract (into <c>rejects</c>). Throws on any database
/// failure with nothing committed: the caller keeps the batch unacknowledged and retries. Thread-safe: each call has its
/// own connection and transaction (several committers run at once, Database.Committers).
/// </summary>
public sealed class BatchCommitter(NpgsqlDataSource db)
{
    public sealed record Result(int Alerts, int AlertsNew, int Sheds, int Statuses, int Rejects, int CommandResults = 0);

    private sealed class Device
    {
        public DateTimeOffset? LevelTs;
        public string? Level,
            Epoch;
        public long Seq;
        public StatusRecord? Status;
    }

    public async Task<Result> CommitAsync(IReadOnlyList<Inbound> batch, CancellationToken ct)
    {
        var alerts = new List<(AlertRecord A, byte[] Payload)>();
        var sheds = new List<ShedRecord>();
        var rejects = new List<(string Topic, string Reason, byte[] Payload)>();
        var results = new List<(CommandResultRecord R, byte[]? Correlation)>();
        var devices = new Dictionary<string, Device>(StringComparer.Ordinal);
        var statuses = 0;
        foreach (var m in batch)
        {
            if (!Topics.TrySplit(m.Topic, out var deviceId, out var leaf))
            {
                rejects.Add((m.Topic, "topic: not kavach/DEVICE/LEAF", m.Payload));
                continue;
            }
            var error = "";
            if (leaf == "alerts" && UplinkReader.TryReadAlerts(m.Payload, out var alert, out var shed, out error))
            {
                var payloadDevice = alert?.DeviceId ?? shed!.DeviceId;
                if (payloadDevice != deviceId)
                {
                    rejects.Add((m.Topic, $"deviceId: '{payloadDevice}' on the topic of '{deviceId}'", m.Payload));
                    continue;
                }
                var d = Touch(devices, deviceId);
                if (alert is not null)
                {
                    alerts.Add((alert, m.Payload));
                    if (d.LevelTs is null || alert.Ts >= d.LevelTs)
                        (d.LevelTs, d.Level, d.Epoch, d.Seq) = (alert.Ts, alert.Level, alert.Epoch, alert.Seq);
                }
                else
                    sheds.Add(shed!);
            }
            else if (leaf == "status" && UplinkReader.TryReadStatus(m.Payload, out var status, out error))
            {
                // the latest in arrival order, except a last will of an instance that is no longer the current one
                var d = Touch(devices, deviceId);
                if (status!.State != "offline" || d.Status is null || d.Status.Instance == status.Instance)
                    d.Status = status;
                statuses++;
            }
            else if (leaf == "telemetry" && UplinkReader.TryReadTelemetry(m.Payload, out var telemetryDevice, out error))
            {
                // kept only as a sign of life: last_seen
                if (telemetryDevice != deviceId)
                    rejects.Add((m.Topic, $"deviceId: '{telemetryDevice}' on the topic of '{deviceId}'", m.Payload));
                else
                    Touch(devices, deviceId);
            }
            else if (leaf == "cmd-result" && UplinkReader.TryReadCommandResult(m.Payload, out var result, out error))
            {
                if (result!.DeviceId != deviceId)
                    rejects.Add((m.Topic, $"deviceId: '{result.DeviceId}' on the topic of '{deviceId}'", m.Payload));
                else
                {
                    results.Add((result, m.Correlation));
                    Touch(devices, deviceId);
                }
            }
            else
                rejects.Add(
                    (
                        m.Topic,
                        leaf is "alerts" or "status" or "telemetry" or "cmd-result" ? error : $"topic: unexpected leaf '{leaf}'",
                        m.Payload
                    )
                );
        }

        await using var c = await db.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        // key order everywhere: two instances writing the same rows lock them in the same order
        alerts.Sort(
            (a, b) =>
                string.CompareOrdinal(a.A.DeviceId, b.A.DeviceId) is var d and not 0 ? d
                : string.CompareOrdinal(a.A.Epoch, b.A.Epoch) is var e and not 0 ? e
                : a.A.Seq.CompareTo(b.A.Seq)
        );
        var arrived = alerts.Count == 0 ? [] : await InsertAlertsAsync(c, tx, alerts, ct).ConfigureAwait(false);
        if (sheds.Count > 0)
            await InsertShedsAsync(c, tx, sheds, ct).ConfigureAwait(false);
        await GapTracker.ApplyAsync(c, tx, arrived, sheds.Select(x => (x.DeviceId, x.Epoch, x.FromSeq, x.ToSeq)), ct).ConfigureAwait(false);
        if (rejects.Count > 0)
            await InsertRejectsAsync(c, tx, rejects, ct).ConfigureAwait(false);
        if (results.Count > 0)
            await InsertCommandResultsAsync(c, tx, results, ct).ConfigureAwait(false);
        if (devices.Count > 0)
            await UpsertDevicesAsync(c, tx, devices, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new Result(alerts.Count, arrived.Count, sheds.Count, statuses, rejects.Count, results.Count);
    }

    private static Device Touch(Dictionary<string, Device> devices, string id)
    {
        if (!devices.TryGetValue(id, out var d))
            devices[id] = d = new Device();
        return d;
    }

    /// <summary>Inserts the alerts not there yet; returns the key of each one inserted now.</summary>
    private static async Task<List<(string Device, string Epoch, long Seq)>> InsertAlertsAsync(
        NpgsqlConnection c,
        NpgsqlTransaction tx,
        List<(AlertRecord A, byte[] Payload)> rows,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO alerts (device_id, epoch, seq, ts, id, level, previous, clock_synced, payload)
            SELECT d, e, s, t, i, l, p, k, j::jsonb FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) AS u(d, e, s, t, i, l, p, k, j)
            ON CONFLICT DO NOTHING
            RETURNING device_id, epoch, seq
            """,
            c,
            tx
        );
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.A.DeviceId).ToArray());
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.A.Epoch).ToArray());
        Add(cmd, NpgsqlDbType.Bigint, rows.Select(r => r.A.Seq).ToArray());
        Add(cmd, NpgsqlDbType.TimestampTz, rows.Select(r => r.A.Ts.UtcDateTime).ToArray());
        Add(cmd, NpgsqlDbType.Uuid, rows.Select(r => r.A.Id).ToArray());
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.A.Level).ToArray());
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.A.Previous).ToArray());
        Add(cmd, NpgsqlDbType.Boolean, rows.Select(r => r.A.ClockSynced).ToArray());
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => System.Text.Encoding.UTF8.GetString(r.Payload)).ToArray());
        var arrived = new List<(string, string, long)>(rows.Count);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            arrived.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        return arrived;
    }

    private static async Task InsertShedsAsync(NpgsqlConnection c, NpgsqlTransaction tx, List<ShedRecord> rows, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO sheds (device_id, epoch, from_seq, to_seq, ts)
            SELECT * FROM unnest($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
            """,
            c,
            tx
        );
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.DeviceId).ToArray());
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.Epoch).ToArray());
        Add(cmd, NpgsqlDbType.Bigint, rows.Select(r => r.FromSeq).ToArray());
        Add(cmd, NpgsqlDbType.Bigint, rows.Select(r => r.ToSeq).ToArray());
        Add(cmd, NpgsqlDbType.TimestampTz, rows.Select(r => r.Ts.UtcDateTime).ToArray());
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task InsertRejectsAsync(
        NpgsqlConnection c,
        NpgsqlTransaction tx,
        List<(string Topic, string Reason, byte[] Payload)> rows,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand("INSERT INTO rejects (topic, reason, payload) SELECT * FROM unnest($1, $2, $3)", c, tx);
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.Topic).ToArray());
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.Reason).ToArray());
        Add(cmd, NpgsqlDbType.Bytea, rows.Select(r => r.Payload).ToArray());
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    // Every result kept once (a re-delivery is a no-op); an answer to one of the central's commands fills its audit row.
    private static async Task InsertCommandResultsAsync(
        NpgsqlConnection c,
        NpgsqlTransaction tx,
        List<(CommandResultRecord R, byte[]? Correlation)> rows,
        CancellationToken ct
    )
    {
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO cmd_results (device_id, command, accepted, reason, seq, ts, correlation)
            SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
            """,
            c,
            tx
        );
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.R.DeviceId).ToArray());
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.R.Command).ToArray());
        Add(cmd, NpgsqlDbType.Boolean, rows.Select(r => r.R.Accepted).ToArray());
        Add(cmd, NpgsqlDbType.Text, rows.Select(r => r.R.Reason).ToArray());
        Add(cmd, NpgsqlDbType.Bigint, rows.Select(r => r.R.Seq).ToArray());
        Add(cmd, NpgsqlDbType.TimestampTz, rows.Select(r => r.R.Ts.UtcDateTime).ToArray());
        Add(cmd, NpgsqlDbType.Bytea, rows.Select(r => r.Correlation).ToArray());
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);

        // the answers to the central's own commands: their correlation data is the audit id (16 bytes); the first answer stays
        var answers = rows.Where(r => r.Correlation is { Length: 16 }).ToList();
        if (answers.Count == 0)
            return;
        await using var audit = new NpgsqlCommand(
            """
            UPDATE audit a SET result_at = now(), result_accepted = u.acc, result_reason = u.reason, result_ts = u.ts
            FROM (SELECT DISTINCT ON (id) * FROM unnest($1, $2, $3, $4, $5) AS x(id, dev, acc, reason, ts) ORDER BY id, ts) u
            WHERE a.id = u.id AND a.device_id = u.dev AND a.result_at IS NULL
            """,
            c,
            tx
        );
        Add(audit, NpgsqlDbType.Uuid, answers.Select(r => new Guid(r.Correlation!, bigEndian: true)).ToArray());
        Add(audit, NpgsqlDbType.Text, answers.Select(r => r.R.DeviceId).ToArray());
        Add(audit, NpgsqlDbType.Boolean, answers.Select(r => r.R.Accepted).ToArray());
        Add(audit, NpgsqlDbType.Text, answers.Select(r => r.R.Reason).ToArray());
        Add(audit, NpgsqlDbType.TimestampTz, answers.Select(r => r.R.Ts.UtcDateTime).ToArray());
        await audit.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    // One row per device: last seen now; the level of its newest alert (by ts) wins over an older one; a status
    // replaces the previous one, except an offline (a last will) from an instance that is no longer the current one;
    // a post marked 'silent' (SilenceSweeper) is online again with any message.
    private static async Task UpsertDevicesAsync(
        NpgsqlConnection c,
        NpgsqlTransaction tx,
        Dictionary<string, Device> devices,
        CancellationToken ct
    )
    {
        var list = devices.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        await using var cmd = new NpgsqlCommand(
            """
            INSERT INTO devices AS d (device_id, last_seen, level, level_ts, last_epoch, last_seq,
                                      online, state, instance, software, commissioning, started_at, status_at)
            SELECT id, now(), lvl, lts, ep, sq, coalesce(st = 'online', false), st, inst, sw, com, sta, CASE WHEN st IS NULL THEN NULL ELSE now() END
            FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS u(id, lvl, lts, ep, sq, st, inst, sw, com, sta)
            ON CONFLICT (device_id) DO UPDATE SET
                last_seen  = now(),
                level      = CASE WHEN excluded.level_ts IS NOT NULL AND (d.level_ts IS NULL OR excluded.level_ts >= d.level_ts) THEN excluded.level ELSE d.level END,
                last_epoch = CASE WHEN excluded.level_ts IS NOT NULL AND (d.level_ts IS NULL OR excluded.level_ts >= d.level_ts) THEN excluded.last_epoch ELSE d.last_epoch END,
                last_seq   = CASE WHEN excluded.level_ts IS NOT NULL AND (d.level_ts IS NULL OR excluded.level_ts >= d.level_ts) THEN excluded.last_seq ELSE d.last_seq END,
                level_ts   = greatest(d.level_ts, excluded.level_ts),
                online        = CASE WHEN u_apply(excluded.state, excluded.instance, d.instance) THEN excluded.online WHEN d.state = 'silent' THEN true ELSE d.online END,
                state         = CASE WHEN u_apply(excluded.state, excluded.instance, d.instance) THEN excluded.state WHEN d.state = 'silent' THEN 'online' ELSE d.state END,
                instance      = CASE WHEN u_apply(excluded.state, excluded.instance, d.instance) THEN excluded.instance ELSE d.instance END,
                software      = CASE WHEN excluded.state = 'online' THEN excluded.software ELSE d.software END,
                commissioning = CASE WHEN excluded.state = 'online' THEN excluded.commissioning ELSE d.commissioning END,
                started_at    = CASE WHEN excluded.state = 'online' THEN excluded.started_at ELSE d.started_at END,
                status_at     = CASE WHEN u_apply(excluded.state, excluded.instance, d.instance) THEN excluded.status_at WHEN d.state = 'silent' THEN now() ELSE d.status_at END
            """.Replace(
                "u_apply(excluded.state, excluded.instance, d.instance)",
                "(excluded.state IS NOT NULL AND (excluded.state <> 'offline' OR d.instance IS NULL OR d.instance = excluded.instance))",
                StringComparison.Ordinal
            ),
            c,
            tx
        );
        Add(cmd, NpgsqlDbType.Text, list.Select(kv => kv.Key).ToArray());
        Add(cmd, NpgsqlDbType.Text, list.Select(kv => kv.Value.Level).ToArray());
        Add(cmd, NpgsqlDbType.TimestampTz, list.Select(kv => kv.Value.LevelTs?.UtcDateTime).ToArray());
        Add(cmd, NpgsqlDbType.Text, list.Select(kv => kv.Value.Epoch).ToArray());
        Add(cmd, NpgsqlDbType.Bigint, list.Select(kv => kv.Value.LevelTs is null ? (long?)null : kv.Value.Seq).ToArray());
        Add(cmd, NpgsqlDbType.Text, list.Select(kv => kv.Value.Status?.State).ToArray());
        Add(cmd, NpgsqlDbType.Text, list.Select(kv => kv.Value.Status?.Instance).ToArray());
        Add(cmd, NpgsqlDbType.Text, list.Select(kv => kv.Value.Status?.Version).ToArray());
        Add(cmd, NpgsqlDbType.Text, list.Select(kv => kv.Value.Status?.Commissioning).ToArray());
        Add(cmd, NpgsqlDbType.TimestampTz, list.Select(kv => kv.Value.Status?.StartedAt?.UtcDateTime).ToArray());
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static void Add<T>(NpgsqlCommand cmd, NpgsqlDbType elementType, T[] values) =>
        cmd.Parameters.Add(new NpgsqlParameter<T[]> { NpgsqlDbType = NpgsqlDbType.Array | elementType, TypedValue = values });
}
