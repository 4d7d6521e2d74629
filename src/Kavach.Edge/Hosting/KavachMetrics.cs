using System.Diagnostics.Metrics;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Protocols;

namespace Kavach.Edge.Hosting;

/// <summary>
/// The daemon's one <see cref="System.Diagnostics.Metrics.Meter"/> ("Kavach.Edge") and its instruments. Most are
/// observable: read from the live counters the stages already keep, only when a scrape asks, so the hot
/// paths pay nothing. Adding one is a line: <c>metrics.Gauge("uplink.outbox.depth", () => outbox.Depth, "{event}")</c>
/// from the component that owns the value, or a field here for a recorded histogram. /metrics exports
/// them (Api/MetricsExporter) with the prefix <c>kavach_edge_</c> and dots turned into underscores.
/// Thread-safe; disposed with the host (which ends every instrument).
/// </summary>
public sealed class KavachMetrics : IDisposable
{
    public const string MeterName = "Kavach.Edge";

    public KavachMetrics(
        SensorInputService inputs,
        ReadingQueue queue,
        RiskBroadcaster broadcaster,
        StageFaults faults,
        TimeProvider time,
        Model.ModelLayer? model = null
    )
    {
        Meter = new Meter(MeterName, AppInfo.Version);
        var sensors = inputs.Sensors;
        Meter.CreateObservableCounter(
            "sensor.frames",
            () => sensors.Select(s => new Measurement<long>(s.Frames, Tag("sensor", s.Name), Tag("kind", Kind(s)))),
            "{frame}",
            "Frames decoded per sensor"
        );
        Meter.CreateObservableCounter(
            "sensor.rejects",
            () =>
                sensors.SelectMany(s =>
                    Enumerable
                        .Range(0, RejectReasons.Count)
                        .Select(r => new Measurement<long>(
                            s.Rejects((RejectReason)r),
                            Tag("sensor", s.Name),
                            Tag("reason", RejectReasons.Name((RejectReason)r))
                        ))
                ),
            "{run}",
            "Rejected input runs per sensor and reason"
        );
        Meter.CreateObservableCounter(
            "sensor.dropped",
            () => sensors.Select(s => new Measurement<long>(s.Dropped, Tag("sensor", s.Name))),
            "{reading}",
            "Readings dropped because the readings queue was full, per sensor"
        );
        Meter.CreateObservableCounter(
            "sensor.clients_refused",
            () =>
                sensors.SelectMany(s =>
                    new[]
                    {
                        new Measurement<long>(s.ClientsRefused, Tag("sensor", s.Name), Tag("reason", "not-allowed")),
                        new Measurement<long>(s.ClientsOverLimit, Tag("sensor", s.Name), Tag("reason", "over-limit")),
                    }
                ),
            "{client}",
            "tcp-listen clients closed unread: address not in AllowedClients, or MaxClients already connected"
        );
        Meter.CreateObservableGauge(
            "sensor.connected",
            () => sensors.Select(s => new Measurement<int>(s.Connection == ConnectionState.Connected ? 1 : 0, Tag("sensor", s.Name))),
            null,
            "1 while the sensor's transport is connected"
        );
        Meter.CreateObservableGauge(
            "sensor.last_frame_age",
            () =>
                sensors
                    .Where(s => s.LastFrameTimestamp != long.MinValue)
                    .Select(s => new Measurement<double>(time.GetElapsedTime(s.LastFrameTimestamp).TotalSeconds, Tag("sensor", s.Name))),
            "s",
            "Seconds since the sensor's last decoded frame"
        );
        Gauge("readings.queue.depth", () => queue.Count, "{reading}", "Readings waiting for fusion");
        Counter("readings.dropped", () => queue.Dropped, "{reading}", "Readings dropped at the full readings queue (all sensors)");
        Gauge(
            "risk.level",
            () => broadcaster.Latest is { } s ? (int)s.Level : (int)Assessment.RiskLevel.Fault,
            null,
            "Current level in severity order: 0 LOW, 1 MEDIUM, 2 FAULT, 3 HIGH"
        );
        Counter("risk.changes", () => broadcaster.Latest?.Change ?? 0, "{change}", "Level changes since start");
        Gauge("faults.active", () => faults.Snapshot().Count, "{fault}", "Stage faults active now");
        if (model is not null)
        {
            // "model abstains: …" windows by reason, and the model's HIGHs capped at MEDIUM for want of evidence (models/README.md)
            Meter.CreateObservableCounter(
                "model.abstentions",
                () =>
                    Enum.GetValues<Model.Abstention>()
                        .Select(a => new Measurement<long>(model.Gate.Count(a), Tag("reason", Model.ModelGate.Name(a)))),
                "{window}",
                "Windows the model abstained on (the safety floor alone decided), per reason"
            );
            Counter(
                "model.suspicions",
                () => model.Suspicions,
                "{window}",
                "Windows where the model's obstacle probability reached the threshold with no sensor return in the zone (MEDIUM at most)"
            );
        }
        TickDuration = Meter.CreateHistogram<double>(
            "pipeline.tick.duration",
            "ms",
            "Duration of one pipeline tick (fusion, assessment, risk state, broadcast)"
        );
    }

    public Meter Meter { get; }

    /// <summary>One pipeline tick, ms (the Pipeline records it).</summary>
    public Histogram<double> TickDuration { get; }

    /// <summary>Adds an observable gauge read on each scrape.</summary>
    public ObservableGauge<T> Gauge<T>(string name, Func<T> read, string? unit = null, string? description = null)
        where T : struct => Meter.CreateObservableGauge(name, read, unit, description);

    /// <summary>Adds an observable counter (a monotonic total the component already keeps) read on each scrape.</summary>
    public ObservableCounter<long> Counter(string name, Func<long> read, string? unit = null, string? description = null) =>
        Meter.CreateObservableCounter(name, read, unit, description);

    /// <summary>Histogram buckets for an instrument, by unit (ms latencies from 50 µs to 1 s; seconds 1 ms to 10 s).</summary>
    public static double[] BucketsFor(Instrument instrument) =>
        instrument.Unit switch
        {
            "ms" => [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000],
            "s" => [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
            _ => [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
        };

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private static string Kind(SensorState s) => s.Kind.ToString().ToLowerInvariant();

    public void Dispose() => Meter.Dispose();
}
