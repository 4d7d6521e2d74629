using System.Diagnostics.Metrics;
using Kavach.Central.Ingest;
using Npgsql;
using Prometheus;

namespace Kavach.Central.Hosting;

/// <summary>
/// kavach-central's Meter ("Kavach.Central") exported at /metrics in the Prometheus text format by prometheus-net, in a
/// registry of its own (as the daemon's MetricsExporter), names prefixed <c>kavach_central_</c>. Ingest counters are
/// observable (read at scrape time from <see cref="IngestCounters"/>); batch size, commit duration and the lag from
/// receipt to commit are recorded by the committer; the fleet gauges (devices offline, open gaps) are read from
/// PostgreSQL by <see cref="RefreshAsync"/> before each scrape. Thread-safe; disposed with the host.
/// </summary>
public sealed class CentralMetrics : IDisposable
{
    public const string MeterName = "Kavach.Central";
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly IDisposable _adapter;
    private readonly NpgsqlDataSource _db;
    private long _devices,
        _offline,
        _openGaps,
        _missing;

    public CentralMetrics(IngestCounters c, NpgsqlDataSource db)
    {
        _db = db;
        Meter = new Meter(MeterName);
        Meter.CreateObservableCounter("messages.received", () => c.Received, "{message}", "Messages received from the broker");
        Meter.CreateObservableCounter("messages.committed", () => c.Committed, "{message}", "Messages whose batch committed");
        Meter.CreateObservableCounter(
            "messages.acknowledged",
            () => c.Acknowledged,
            "{message}",
            "Acknowledgements sent to the broker after a commit"
        );
        Meter.CreateObservableCounter("alerts.new", () => c.AlertsNew, "{alert}", "Alerts inserted (first delivery)");
        Meter.CreateObservableCounter(
            "alerts.duplicates",
            () => c.Duplicates,
            "{alert}",
            "Alerts received again and not inserted (already there)"
        );
        Meter.CreateObservableCounter("rejects", () => c.Rejects, "{message}", "Messages that did not fit the contract (kept in rejects)");
        Meter.CreateObservableCounter(
            "commit.failures",
            () => c.FailedCommits,
            "{commit}",
            "Failed commits (the batch was held and retried)"
        );
        Meter.CreateObservableGauge("mqtt.connected", () => c.Connected ? 1 : 0, null, "1 while the MQTT session is up");
        Meter.CreateObservableGauge("devices", () => Interlocked.Read(ref _devices), "{device}", "Devices known");
        Meter.CreateObservableGauge(
            "devices.offline",
            () => Interlocked.Read(ref _offline),
            "{device}",
            "Devices whose latest status is not online"
        );
        Meter.CreateObservableGauge("gaps.open", () => Interlocked.Read(ref _openGaps), "{range}", "Seq ranges missing over all streams");
        Meter.CreateObservableGauge("gaps.missing_alerts", () => Interlocked.Read(ref _missing), "{alert}", "Alerts those ranges hold");
        BatchSize = Meter.CreateHistogram<int>("batch.size", "{message}", "Messages per committed batch");
        CommitDuration = Meter.CreateHistogram<double>("commit.duration_ms", "ms", "Duration of one batch's transaction, open to commit");
        ReceiveToCommit = Meter.CreateHistogram<double>(
            "receive_to_commit_seconds",
            "s",
            "From a message's receipt by this instance to its batch's commit"
        );
        PublishToCommit = Meter.CreateHistogram<double>(
            "publish_to_commit_seconds",
            "s",
            "From the sender's publish (MQTT 5 user property kavach-sent-ms, set by kavach-sim fleet; same clock assumed) to the commit of its row"
        );
        _adapter = MeterAdapter.StartListening(
            new MeterAdapterOptions
            {
                Registry = _registry,
                MetricFactory = Metrics.WithCustomRegistry(_registry),
                InstrumentFilterPredicate = i => ReferenceEquals(i.Meter, Meter),
                ResolveHistogramBuckets = i =>
                    i.Unit switch
                    {
                        "ms" => [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10_000],
                        "s" => [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2.5, 5, 10],
                        _ => [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
                    },
            }
        );
        DotNetStats.Register(_registry);
    }

    public Meter Meter { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<double> CommitDuration { get; }
    public Histogram<double> ReceiveToCommit { get; }
    public Histogram<double> PublishToCommit { get; }

    /// <summary>Reads the fleet gauges from PostgreSQL; a failure leaves the last values (the commit failures say why).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            await using var cmd = _db.CreateCommand(
                """
                SELECT (SELECT count(*) FROM devices), (SELECT count(*) FROM devices WHERE NOT online),
                       (SELECT count(*) FROM gaps), (SELECT coalesce(sum(to_seq - from_seq + 1), 0)::bigint FROM gaps)
                """
            );
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await r.ReadAsync(ct).ConfigureAwait(false))
                return;
            Interlocked.Exchange(ref _devices, r.GetInt64(0));
            Interlocked.Exchange(ref _offline, r.GetInt64(1));
            Interlocked.Exchange(ref _openGaps, r.GetInt64(2));
            Interlocked.Exchange(ref _missing, r.GetInt64(3));
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException) { }
    }

    public Task WriteAsync(Stream body, CancellationToken ct) => _registry.CollectAndExportAsTextAsync(body, ct);

    public void Dispose()
    {
        _adapter.Dispose();
        Meter.Dispose();
    }
}
