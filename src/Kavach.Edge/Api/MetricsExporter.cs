using Kavach.Edge.Hosting;
using Prometheus;

namespace Kavach.Edge.Api;

/// <summary>
/// /metrics: the daemon's Meter exported in the Prometheus text format by prometheus-net, in a registry
/// of its own (never the library's static default one, so several daemons in one test process do not mix),
/// plus prometheus-net's process figures (resident memory, CPU, GC). Observable instruments are read at
/// scrape time. Thread-safe; disposed by <see cref="ApiServer"/>.
/// </summary>
public sealed class MetricsExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly IDisposable _adapter;

    public MetricsExporter(KavachMetrics metrics)
    {
        var meter = metrics.Meter;
        _adapter = MeterAdapter.StartListening(
            new MeterAdapterOptions
            {
                Registry = _registry,
                MetricFactory = Metrics.WithCustomRegistry(_registry), // its default is the static default registry's factory, whatever Registry says
                InstrumentFilterPredicate = i => ReferenceEquals(i.Meter, meter),
                ResolveHistogramBuckets = KavachMetrics.BucketsFor,
            }
        );
        DotNetStats.Register(_registry);
    }

    public Task WriteAsync(Stream body, CancellationToken ct) => _registry.CollectAndExportAsTextAsync(body, ct);

    public void Dispose() => _adapter.Dispose();
}
