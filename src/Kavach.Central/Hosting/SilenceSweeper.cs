using Kavach.Central.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kavach.Central.Hosting;

/// <summary>
/// Marks a post offline by silence: online, and nothing from it (alert, status, telemetry, cmd-result) for longer than
/// 1.5 × <c>Fleet.KeepAliveS</c> by the database's clock (the clock of <c>last_seen</c>) → <c>online = false</c>,
/// <c>state = 'silent'</c>. Besides the broker's last will, which a post whose connection stays up (or a broker that
/// lost the will, or a shared subscription that never saw it) does not send. Any later message brings it back
/// (BatchCommitter). Runs every second on every instance: the update is idempotent, and the API computes the same rule
/// live, so it is never more than a second behind.
/// </summary>
public sealed class SilenceSweeper(NpgsqlDataSource db, CentralOptions options, TimeProvider time, ILogger<SilenceSweeper> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The rule, in SQL (devices <c>d</c>, the limit in seconds as parameter <c>$1</c>): silent for too long.</summary>
    public const string SilentSql = "d.last_seen < now() - make_interval(secs => $1)";

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                var marked = await SweepAsync(db, options.Fleet.SilenceLimit, stop).ConfigureAwait(false);
                if (marked.Count > 0)
                    log.LogWarning(
                        "Fleet: {Count} post(s) silent for over {Limit} s (1.5 × Fleet.KeepAliveS), shown offline: {Devices}",
                        marked.Count,
                        options.Fleet.SilenceLimit.TotalSeconds,
                        string.Join(", ", marked.Take(20)) + (marked.Count > 20 ? ", …" : "")
                    );
                failing = false;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                if (!failing)
                    log.LogWarning("PostgreSQL: silent posts not checked ({Message}); retrying every second", e.Message);
                failing = true;
            }
        }
    }

    /// <summary>Marks the posts silent for longer than <paramref name="limit"/>; returns their ids.</summary>
    public static async Task<List<string>> SweepAsync(NpgsqlDataSource db, TimeSpan limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"""
            UPDATE devices d SET online = false, state = 'silent', status_at = now()
            WHERE d.online AND {SilentSql}
            RETURNING d.device_id
            """
        );
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = limit.TotalSeconds });
        var ids = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            ids.Add(r.GetString(0));
        return ids;
    }
}
