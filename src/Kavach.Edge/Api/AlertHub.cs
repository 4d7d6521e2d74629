using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Api;

/// <summary>
/// Pushes level changes, operator events and a 1 Hz status to the /ws/alerts clients. Nothing here may
/// slow the pipeline: the fan-out's risk → API edge (<see cref="OnRiskChanged"/>) only enqueues and returns; one pump
/// serialises each message once and offers it to every client's small bounded queue; a client whose
/// queue is full (or whose socket takes longer than <see cref="SendTimeout"/> to take a message) is
/// dropped rather than waited for. Thread-safe; owned by <see cref="ApiServer"/>, which starts and stops it.
/// </summary>
public sealed class AlertHub : IAsyncDisposable
{
    /// <summary>Messages a client may have waiting before it is dropped as too slow.</summary>
    public const int ClientQueueLength = 16;

    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan StatusPeriod = TimeSpan.FromSeconds(1);

    private readonly KavachOptions _options;
    private readonly StatusReader _status;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertHub> _log;
    private readonly Channel<object> _events = Channel.CreateBounded<object>(
        new BoundedChannelOptions(1024) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }
    );
    private readonly Lock _lock = new();
    private readonly HashSet<Client> _clients = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _pump = Task.CompletedTask,
        _ticker = Task.CompletedTask;
    private long _dropped,
        _lost,
        _sent;

    public AlertHub(KavachOptions options, StatusReader status, KavachMetrics metrics, TimeProvider time, ILogger<AlertHub> log)
    {
        _options = options;
        _status = status;
        _time = time;
        _log = log;
        metrics.Gauge("api.ws.clients", () => Clients, "{client}", "WebSocket clients connected to /ws/alerts");
        metrics.Counter("api.ws.dropped", () => Dropped, "{client}", "WebSocket clients dropped for being too slow");
        metrics.Counter("api.ws.sent", () => Interlocked.Read(ref _sent), "{message}", "WebSocket messages sent");
    }

    public int Clients
    {
        get
        {
            lock (_lock)
                return _clients.Count;
        }
    }

    /// <summary>Clients dropped because they could not keep up.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Starts pushing. The risk changes and operator events arrive through the fan-out (Hosting/FanOut.cs).</summary>
    public void Start()
    {
        _pump = Task.Run(PumpAsync);
        _ticker = Task.Run(TickAsync);
    }

    /// <summary>A risk change (the fan-out's risk → API edge, on the tick thread): enqueued, nothing else. The channel is large; a full
    /// one means the pump is stuck, and the page then goes stale by itself.</summary>
    public void OnRiskChanged(RiskState s)
    {
        if (!_events.Writer.TryWrite(s))
            Interlocked.Increment(ref _lost);
    }

    /// <summary>An operator event (the fan-out's operator → API edge): enqueued, nothing else.</summary>
    public void OnOperatorEvent(OperatorEvent e)
    {
        if (!_events.Writer.TryWrite(e))
            Interlocked.Increment(ref _lost);
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var item in _events.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                byte[] bytes = item switch
                {
                    RiskState s => Serialize(Level(s), ApiJson.Default.LevelMessage),
                    OperatorEvent e => Serialize(Operator(e), ApiJson.Default.OperatorMessage),
                    _ => [],
                };
                if (bytes.Length > 0)
                    Broadcast(bytes);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(StatusPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                if (Clients > 0)
                    Broadcast(StatusBytes());
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (Exception e)
        {
            _log.LogWarning(e, "API: the status ticker failed; WebSocket clients get level changes only");
        }
    }

    private void Broadcast(byte[] message)
    {
        Client[] clients;
        lock (_lock)
            clients = [.. _clients];
        foreach (var c in clients)
            if (!c.Queue.Writer.TryWrite(message))
                Drop(c, "its queue is full");
    }

    private void Drop(Client c, string why)
    {
        lock (_lock)
            if (!_clients.Remove(c))
                return;
        Interlocked.Increment(ref _dropped);
        _log.LogWarning("API: dropped WebSocket client {Remote}: {Why}", c.Remote, why);
        c.Queue.Writer.TryComplete();
        c.Socket.Abort();
    }

    /// <summary>
    /// Serves one accepted WebSocket until it closes, is dropped, or the hub stops. Sends hello, the
    /// current level and status first, then everything live. Never throws for a client's failure.
    /// </summary>
    public async Task RunClientAsync(WebSocket socket, string remote, CancellationToken aborted)
    {
        var client = new Client(socket, remote);
        client.Queue.Writer.TryWrite(
            Serialize(new HelloMessage("hello", _options.Device.Id, AppInfo.Version, _time.GetUtcNow()), ApiJson.Default.HelloMessage)
        );
        client.Queue.Writer.TryWrite(Serialize(Level(_status.Current), ApiJson.Default.LevelMessage));
        client.Queue.Writer.TryWrite(StatusBytes());
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
                return;
            _clients.Add(client);
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stop.Token);
        var receive = ReceiveAsync(client, linked.Token);
        try
        {
            await foreach (var message in client.Queue.Reader.ReadAllAsync(linked.Token).ConfigureAwait(false))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                timeout.CancelAfter(SendTimeout);
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, timeout.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _sent);
            }
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            Drop(client, $"a send took longer than {SendTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException) { }
        finally
        {
            lock (_lock)
                _clients.Remove(client);
            client.Queue.Writer.TryComplete();
        }
        await CloseAsync(socket, _stop.IsCancellationRequested ? "daemon stopping" : "bye").ConfigureAwait(false);
        await receive.ConfigureAwait(false);
    }

    // Reads (and ignores) what the client sends, so a close from its side ends the session.
    private static async Task ReceiveAsync(Client client, CancellationToken ct)
    {
        var buffer = new byte[512];
        try
        {
            while (client.Socket.State is WebSocketState.Open)
            {
                var r = await client.Socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                    break;
            }
        }
        catch (Exception) { } // whatever a client's socket does, it only ends this client
        client.Queue.Writer.TryComplete();
    }

    private static async Task CloseAsync(WebSocket socket, string why)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
            return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, why, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private byte[] StatusBytes() => Serialize(new StatusMessage("status", _status.Status()), ApiJson.Default.StatusMessage);

    internal static LevelMessage Level(RiskState s) =>
        new(
            "level",
            s.Change,
            RiskLevels.Name(s.Level),
            s.Previous is { } p ? RiskLevels.Name(p) : null,
            s.Utc,
            s.Reasons,
            s.Faults,
            s.RaisedBy,
            Alert: s.Level is RiskLevel.High or RiskLevel.Fault
        );

    private static OperatorMessage Operator(OperatorEvent e) =>
        new("operator", e.Kind, e.By, e.Source.ToString().ToLowerInvariant(), e.Utc, e.Episode, e.Detail);

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.SerializeToUtf8Bytes(value, info);

    /// <summary>Stops pushing and closes every client.</summary>
    public async ValueTask DisposeAsync()
    {
        Client[] clients;
        lock (_lock)
        {
            if (_stop.IsCancellationRequested)
                return;
            _stop.Cancel();
            clients = [.. _clients];
        }
        foreach (var c in clients)
            c.Queue.Writer.TryComplete();
        _events.Writer.TryComplete();
        await Task.WhenAll(_pump, _ticker).ConfigureAwait(false);
        if (Interlocked.Read(ref _lost) > 0)
            _log.LogWarning("API: {Lost} WebSocket message(s) were lost to a full hub queue", Interlocked.Read(ref _lost));
    }

    private sealed class Client(WebSocket socket, string remote)
    {
        public WebSocket Socket { get; } = socket;
        public string Remote { get; } = remote;
        public Channel<byte[]> Queue { get; } =
            Channel.CreateBounded<byte[]>(
                new BoundedChannelOptions(ClientQueueLength)
                {
                    SingleReader = true,
                    FullMode = BoundedChannelFullMode.Wait, // TryWrite only: a full queue refuses, and the client is dropped
                }
            );
    }
}
