using Kavach.Central.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Kavach.Central.Database;

/// <summary>Creates the monthly alert partitions ahead and drops those past <c>Database.RetentionMonths</c>, at start (before the ingest)
/// and then every 6 hours.</summary>
public sealed class PartitionMaintenance(NpgsqlDataSource db, CentralOptions options, TimeProvider time, ILogger<PartitionMaintenance> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var created = await Partitions
                    .EnsureAsync(db, time.GetUtcNow(), options.Database.PartitionMonthsAhead, stop)
                    .ConfigureAwait(false);
                if (created.Count > 0)
                    log.LogInformation("PostgreSQL: created alert partition(s) {Partitions}", string.Join(", ", created));
                if (options.Database.RetentionMonths > 0)
                {
                    var dropped = await Partitions
                        .DropOlderThanAsync(db, time.GetUtcNow(), options.Database.RetentionMonths, stop)
                        .ConfigureAwait(false);
                    if (dropped.Count > 0)
                        log.LogInformation("PostgreSQL: retention dropped alert partition(s) {Partitions}", string.Join(", ", dropped));
                }
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                log.LogWarning(
                    "PostgreSQL: alert partitions not checked ({Message}); retried in {Hours} h",
                    e.Message,
                    Interval.TotalHours
                );
            }
        } while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
    }
}
