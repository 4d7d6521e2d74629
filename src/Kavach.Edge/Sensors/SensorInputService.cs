using System.Net;
using Kavach.Edge.Configuration;
using Kavach.Protocols;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// Starts every sensor's transport (inputs start last and stop first) and watches their health:
/// rejected input is logged at most once per sensor per <see cref="RejectLogPeriod"/>, with counts by
/// reason, so garbage on a line cannot flood the log (or the SD card).
/// </summary>
public sealed class SensorInputService : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan RejectLogPeriod = TimeSpan.FromSeconds(10);

    private readonly KavachOptions _options;
    private readonly ReadingQueue _queue;
    private readonly TimeProvider _time;
    private readonly ILogger<SensorInputService> _log;
    private readonly List<TcpListenTransport> _listeners = [];
    private readonly List<Task> _running = [];
    private readonly Dictionary<string, IPEndPoint> _bound = new(StringComparer.OrdinalIgnoreCase);
    private CancellationTokenSource? _cts;

    public SensorInputService(KavachOptions options, ReadingQueue queue, TimeProvider time, ILogger<SensorInputService> log)
    {
        _options = options;
        _queue = queue;
        _time = time;
        _log = log;
        Sensors = options.Sensors.Select((s, i) => new SensorState(i, s)).ToArray();
    }

    /// <summary>Every configured sensor's live state, in configuration order.</summary>
    public IReadOnlyList<SensorState> Sensors { get; }

    /// <summary>The address each tcp-listen sensor is bound to (by sensor name), once started.</summary>
    public IReadOnlyDictionary<string, IPEndPoint> BoundEndpoints => _bound;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _cts = new CancellationTokenSource();
        foreach (var endpoint in BuildEndpoints())
        {
            switch (endpoint.Transport.Type)
            {
                case TransportType.TcpListen:
                    var listener = new TcpListenTransport(endpoint, _log);
                    _listeners.Add(listener);
                    foreach (var s in endpoint.Sensors) _bound[s.Name] = listener.LocalEndPoint;
                    _log.LogInformation("Sensor {Sensor}: {Protocol} listening on tcp {Endpoint}", endpoint.Name,
                        SensorOptions.ProtocolName(endpoint.Primary.Options.Protocol), listener.LocalEndPoint);
                    _running.Add(listener.RunAsync(_cts.Token));
                    break;
                default:
                    throw new NotSupportedException($"transport {TransportOptions.TypeName(endpoint.Transport.Type)} is not available in this build");
            }
        }
        _running.Add(MonitorAsync(_cts.Token));
        return Task.CompletedTask;
    }

    private IEnumerable<SensorEndpoint> BuildEndpoints()
    {
        var done = new HashSet<int>();
        for (var i = 0; i < Sensors.Count; i++)
        {
            if (!done.Add(i)) continue;
            var group = new List<SensorState> { Sensors[i] };
            var t = Sensors[i].Options.Transport;
            if (t.Type == TransportType.TcpListen && t.Port != 0)
                for (var j = i + 1; j < Sensors.Count; j++)
                    if (Sensors[j].Options.Transport is { Type: TransportType.TcpListen } tj && tj.Port == t.Port && done.Add(j))
                        group.Add(Sensors[j]);
            SensorEndpoint? endpoint = null;
            endpoint = new SensorEndpoint(group, () => NewDecoder(endpoint!));
            yield return endpoint;
        }
    }

    private IConnectionDecoder NewDecoder(SensorEndpoint endpoint) => endpoint.Primary.Options.Protocol switch
    {
        SensorProtocol.JsonLines => new JsonLinesConnection(endpoint, _queue, _time),
        var p => throw new NotSupportedException($"protocol {SensorOptions.ProtocolName(p)} is not available in this build"),
    };

    private async Task MonitorAsync(CancellationToken ct)
    {
        var last = new long[Sensors.Count];
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(RejectLogPeriod, _time, ct).ConfigureAwait(false);
                for (var i = 0; i < Sensors.Count; i++)
                {
                    var s = Sensors[i];
                    var total = s.TotalRejects;
                    if (total == last[i]) continue;
                    var parts = Enumerable.Range(0, RejectReasons.Count)
                        .Select(r => (Reason: (RejectReason)r, Count: s.Rejects((RejectReason)r)))
                        .Where(x => x.Count > 0)
                        .Select(x => $"{RejectReasons.Name(x.Reason)} {x.Count}");
                    _log.LogWarning("Sensor {Sensor}: {New} rejected input run(s) in the last {Period} s (totals: {Totals})",
                        s.Name, total - last[i], RejectLogPeriod.TotalSeconds, string.Join(", ", parts));
                    last[i] = total;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _cts?.Cancel();
        foreach (var l in _listeners) await l.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_running).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var l in _listeners) await l.DisposeAsync().ConfigureAwait(false);
        _cts?.Dispose();
    }
}
