using System.Net;
using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Kavach.Protocols;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// Starts every sensor's transport (inputs start last and stop first): tcp-listen, tcp-client, serial and mqtt
/// (one client per broker), with the decoder of each sensor's protocol, and the ti-mmwave configurators.
/// Watches their health: samples the counters once a second for the rates of <see cref="Health"/>;
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
    private readonly StageFaults _faults;
    private readonly List<TcpListenTransport> _listeners = [];
    private readonly List<Task> _running = [];
    private readonly Dictionary<string, IPEndPoint> _bound = new(StringComparer.OrdinalIgnoreCase);
    private CancellationTokenSource? _cts;

    public SensorInputService(
        KavachOptions options,
        ReadingQueue queue,
        TimeProvider time,
        ILogger<SensorInputService> log,
        StageFaults? faults = null
    )
    {
        _faults = faults ?? new StageFaults();
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

    /// <summary>Reconnect backoff of the client-side transports: 0.5 s doubling to 30 s (tests shorten it).</summary>
    internal Func<Backoff> NewBackoff { get; set; } = () => new Backoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    /// <summary>tcp-listen's accept call (tests inject failures); null = the socket's own.</summary>
    internal Func<System.Net.Sockets.Socket, CancellationToken, ValueTask<System.Net.Sockets.Socket>>? Accept { get; set; }

    /// <summary>Stop budget of the inputs: a transport that has not ended by then is abandoned (a hung port never holds
    /// shutdown).</summary>
    internal static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(3);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _cts = new CancellationTokenSource();
        var mqtt = new List<SensorEndpoint>();
        foreach (var endpoint in BuildEndpoints())
        {
            var protocol = endpoint.Primary.Options.Protocol.Name;
            switch (endpoint.Transport.Type)
            {
                case TransportType.TcpListen:
                    var listener = new TcpListenTransport(endpoint, _time, NewBackoff(), _log, Accept);
                    _listeners.Add(listener);
                    foreach (var s in endpoint.Sensors)
                        _bound[s.Name] = listener.LocalEndPoint;
                    _log.LogInformation(
                        "Sensor {Sensor}: {Protocol} listening on tcp {Endpoint} for at most {Max} client(s) from {Allowed}",
                        endpoint.Name,
                        protocol,
                        listener.LocalEndPoint,
                        listener.MaxClients,
                        endpoint.Transport.AllowedClients
                    );
                    _running.Add(listener.RunAsync(_cts.Token));
                    break;
                case TransportType.TcpClient:
                    Start(new TcpClientTransport(endpoint, NewBackoff(), _time, _log), protocol);
                    break;
                case TransportType.Serial:
                    Start(new SerialTransport(endpoint, NewBackoff(), _time, _log), protocol);
                    break;
                case TransportType.Mqtt:
                    mqtt.Add(endpoint);
                    break;
            }
            foreach (var s in endpoint.Sensors)
                if (s.Options.Protocol == Protocols.TiMmwaveProtocol.Entry && s.Options is { ConfigPort: not null, ConfigFile: not null })
                    _running.Add(new MmwaveConfigurator(s, _time, _log).RunAsync(_cts.Token));
        }
        // One MQTT client per broker: they all carry the client id <Device.Id>-sensors, and a broker keeps one session per id.
        foreach (var broker in mqtt.GroupBy(e => (e.Transport.Host.ToLowerInvariant(), e.Transport.Port)))
            Start(
                new MqttTransport(_options.Device.Id + "-sensors", broker.ToArray(), NewBackoff(), _time, _log),
                string.Join("+", broker.Select(e => e.Primary.Options.Protocol.Name).Distinct())
            );
        _running.Add(MonitorAsync(_cts.Token));
        return Task.CompletedTask;
    }

    private void Start(ReconnectingTransport transport, string protocol)
    {
        _log.LogInformation("Sensor {Sensor}: {Protocol} from {Target}", transport.Name, protocol, transport.Target);
        _running.Add(Task.Run(() => transport.RunAsync(_cts!.Token), CancellationToken.None));
    }

    private IEnumerable<SensorEndpoint> BuildEndpoints()
    {
        var done = new HashSet<int>();
        for (var i = 0; i < Sensors.Count; i++)
        {
            if (!done.Add(i))
                continue;
            var group = new List<SensorState> { Sensors[i] };
            for (var j = i + 1; j < Sensors.Count; j++)
                if (SharesEndpoint(Sensors[i].Options, Sensors[j].Options) && done.Add(j))
                    group.Add(Sensors[j]);
            SensorEndpoint? endpoint = null;
            endpoint = new SensorEndpoint(group, () => NewDecoder(endpoint!));
            yield return endpoint;
        }
    }

    // json-lines sensors of different kinds share one listening port, or one MQTT topic filter on one broker
    // (the configuration check refuses any other sharing); their lines are routed by kind.
    private static bool SharesEndpoint(SensorOptions a, SensorOptions b)
    {
        TransportOptions ta = a.Transport,
            tb = b.Transport;
        if (ta.Type != tb.Type)
            return false;
        return ta.Type switch
        {
            TransportType.TcpListen => ta.Port != 0 && ta.Port == tb.Port,
            TransportType.Mqtt => a.Protocol.RoutesByKind
                && b.Protocol == a.Protocol
                && ta.Port == tb.Port
                && string.Equals(ta.Host, tb.Host, StringComparison.OrdinalIgnoreCase)
                && ta.Topic == tb.Topic,
            _ => false,
        };
    }

    // The protocol's entry makes the connection: the transport only moves bytes.
    private IConnectionDecoder NewDecoder(SensorEndpoint endpoint) => endpoint.Primary.Options.Protocol.Connect(endpoint, _queue, _time);

    // Once a second: sample every sensor's counters for its rates; every RejectLogPeriod: log new rejects.
    private async Task MonitorAsync(CancellationToken ct)
    {
        var last = new long[Sensors.Count];
        var ticks = 0;
        var logEvery = (int)RejectLogPeriod.TotalSeconds;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, ct).ConfigureAwait(false);
                var now = _time.GetTimestamp();
                foreach (var s in Sensors)
                    s.Sample(now);
                CheckSources(now);
                if (++ticks % logEvery != 0)
                    continue;
                for (var i = 0; i < Sensors.Count; i++)
                {
                    var s = Sensors[i];
                    var total = s.TotalRejects;
                    if (total == last[i])
                        continue;
                    var parts = Enumerable
                        .Range(0, RejectReasons.Count)
                        .Select(r => (Reason: (RejectReason)r, Count: s.Rejects((RejectReason)r)))
                        .Where(x => x.Count > 0)
                        .Select(x => $"{RejectReasons.Name(x.Reason)} {x.Count}");
                    _log.LogWarning(
                        "Sensor {Sensor}: {New} rejected input run(s) in the last {Period} s (totals: {Totals})",
                        s.Name,
                        total - last[i],
                        RejectLogPeriod.TotalSeconds,
                        string.Join(", ", parts)
                    );
                    last[i] = total;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    // Two live sources for one sensor: a named stage fault (FAULT) while they interleave, cleared when one has gone.
    private void CheckSources(long now)
    {
        foreach (var s in Sensors)
        {
            if (s.TwoSources(now, _time))
            {
                if (_faults.Raise(s.TwoSourcesFault, "frames from two connections interleave"))
                    _log.LogWarning(
                        "Sensor {Sensor}: FAULT: two sources: frames from two connections interleave (connected: {Peers}); check Transport.AllowedClients and MaxClients",
                        s.Name,
                        string.Join(", ", _listeners.Where(l => l.Sensors.Contains(s)).SelectMany(l => l.Peers).DefaultIfEmpty("?"))
                    );
            }
            else if (_faults.Clear(s.TwoSourcesFault))
                _log.LogInformation("Sensor {Sensor}: one source again", s.Name);
        }
    }

    /// <summary>Every sensor's health now (see <see cref="SensorState.Health"/>).</summary>
    public IReadOnlyList<SensorHealth> Health(Fusion.FusionSnapshot? fusion = null)
    {
        var now = _time.GetTimestamp();
        return Sensors.Select(s => s.Health(now, _time, fusion)).ToArray();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _cts?.Cancel();
        foreach (var l in _listeners)
            await l.DisposeAsync().ConfigureAwait(false);
        try
        {
            // Bounded: a transport stuck in a hung port is abandoned rather than holding the daemon's shutdown.
            await Task.WhenAll(_running).WaitAsync(StopBudget, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning(
                "Sensor inputs: {Count} transport(s) did not stop within {Seconds} s; abandoned",
                _running.Count(t => !t.IsCompleted),
                StopBudget.TotalSeconds
            );
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var l in _listeners)
            await l.DisposeAsync().ConfigureAwait(false);
        _cts?.Dispose();
    }
}
