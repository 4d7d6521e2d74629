using Npgsql;

namespace Kavach.Central.Hosting;

/// <summary>The fleet as the devices table holds it: HIGH first, then FAULT, then offline, then by id.</summary>
public static class FleetQuery
{
    public static async Task<FleetView> ReadAsync(NpgsqlDataSource db, DateTimeOffset utc, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            SELECT d.device_id, d.online, d.state, d.level, d.level_ts, d.last_seen, d.software, d.commissioning, d.last_epoch, d.last_seq,
                   (SELECT count(*) FROM gaps g WHERE g.device_id = d.device_id),
                   (SELECT coalesce(sum(g.to_seq - g.from_seq + 1), 0)::bigint FROM gaps g WHERE g.device_id = d.device_id)
            FROM devices d
            ORDER BY (d.level = 'HIGH') DESC NULLS LAST, (d.level = 'FAULT') DESC NULLS LAST, d.online, d.device_id
            """
        );
        var list = new List<FleetDevice>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(
                new FleetDevice(
                    r.GetString(0),
                    r.GetBoolean(1),
                    Str(r, 2),
                    Str(r, 3),
                    Time(r, 4),
                    Time(r, 5),
                    Str(r, 6),
                    Str(r, 7),
                    Str(r, 8),
                    r.IsDBNull(9) ? null : r.GetInt64(9),
                    r.GetInt64(10),
                    r.GetInt64(11)
                )
            );
        }
        return new FleetView(utc, list.Count, list.Count(d => d.Online), list);
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(r.GetDateTime(i), TimeSpan.Zero);
}
