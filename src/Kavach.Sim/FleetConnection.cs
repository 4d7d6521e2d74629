using System.Globalization;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kavach.Sim;

/// <summary>
/// One publishing MQTT 5 connection shared by a set of simulated posts. One loop takes the posts' work in queue order
/// and publishes one message at a time (QoS 1 alerts wait for the PUBACK, as the daemon's outbox does), so each post's
/// alerts reach the broker in seq order. A lost connection is reconnected and the message sent again (at least once,
/// as the daemon). Each alert carries the publish time in the MQTT 5 user property <see cref="SentUserProperty"/>
/// (Unix milliseconds) so that the receiver can measure broker-to-row lag. With --wills each post also has its own
/// connection (client id = device id, as the daemon) that carries only its retained status and its last will.
/// The queue is written by the generator and read by the loop; the counters are read by anyone.
/// </summary>
internal sealed class FleetConnection(FleetOptions o, int index, FleetDevice[] devices, TimeProvider time, int seed)
{
    /// <summary>The MQTT 5 user property with the publish time (Unix ms); kavach-central reads it (docs/central.md).</summary>
    public const string SentUserProperty = "kavach-sent-ms";

    private readonly Channel<FleetWork> _queue = Channel.CreateUnbounded<FleetWork>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true }
    );
    private readonly FleetPayloads _payloads = new();
    private readonly Random _rng = new(seed);
    private readonly IMqttClient?[] _statusClients = new IMqttClient?[devices.Length];
    private readonly MqttClientFactory _factory = new();
    private IMqttClient? _client;
    private long _backlog,
        _alertsAcked;

    public FleetDevice[] Devices => devices;
    public long AlertsAcked => Interlocked.Read(ref _alertsAcked);
    public long Backlog => Interlocked.Read(ref _backlog);
    public long Refused { get; private set; }
    public long NoSubscribers { get; private set; }
    public long Statuses { get; private set; }
    public long Telemetry { get; private set; }
    public long Reconnects { get; private set; }

    public void Enqueue(FleetWork work)
    {
        Interlocked.Add(ref _backlog, work.Count);
        _queue.Writer.TryWrite(work);
    }

    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Connects and publishes every post's retained online status.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        _client = await ConnectAsync($"kavach-sim-fleet-{Environment.ProcessId}-{index}", null, ct).ConfigureAwait(false);
        for (var i = 0; i < devices.Length; i++)
            await OnlineAsync(i, ct).ConfigureAwait(false);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await foreach (var w in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            var d = devices[w.Device];
            switch (w.What)
            {
                case FleetWork.Kind.Alert:
                    for (var n = 0; n < w.Count; n++)
                    {
                        d.Seq++;
                        var previous = d.Seq == 1 ? -1 : d.Level;
                        // after each start the daemon's first alert is FAULT ("starting"); then any other level
                        d.Level = d.Seq == 1 ? 3 : (d.Level + 1 + _rng.Next(3)) % 4;
                        var now = time.GetUtcNow();
                        var payload = _payloads.Alert(d.Id, d.Epoch, d.Seq, d.Level, previous, now, d.Commissioning);
                        var message = new MqttApplicationMessageBuilder()
                            .WithTopic(d.AlertsTopic)
                            .WithPayload(payload)
                            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                            .WithUserProperty(
                                SentUserProperty,
                                System
                                    .Text.Encoding.ASCII.GetBytes(now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))
                                    .AsMemory()
                            )
                            .Build();
                        if (await PublishAsync(message, ct).ConfigureAwait(false))
                        {
                            d.Acked(d.Seq);
                            Interlocked.Increment(ref _alertsAcked);
                        }
                        Interlocked.Decrement(ref _backlog);
                    }
                    break;
                case FleetWork.Kind.Telemetry:
                    var telemetry = _payloads.Telemetry(d.Id, d.Level, d.Telemetry += 600, time.GetUtcNow());
                    await PublishAsync(
                            new MqttApplicationMessageBuilder()
                                .WithTopic(d.TelemetryTopic)
                                .WithPayload(telemetry)
                                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce)
                                .Build(),
                            ct
                        )
                        .ConfigureAwait(false);
                    Telemetry++;
                    Interlocked.Decrement(ref _backlog);
                    break;
                case FleetWork.Kind.Restart:
                    await RestartAsync(w.Device, ct).ConfigureAwait(false);
                    Interlocked.Decrement(ref _backlog);
                    break;
            }
        }
    }

    /// <summary>Disconnects cleanly (no last will): the posts' retained statuses stay as they are.</summary>
    public async Task StopAsync()
    {
        foreach (var c in _statusClients.Append(_client))
        {
            if (c is null)
                continue;
            try
            {
                if (c.IsConnected)
                    await c.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
            }
            catch (MqttCommunicationException) { }
            c.Dispose();
        }
    }

    // Offline (the last will through the broker with --wills, else the clean stop's status), then online as a new
    // instance with a new epoch: seq from 1 again.
    private async Task RestartAsync(int i, CancellationToken ct)
    {
        var d = devices[i];
        if (_statusClients[i] is { } old)
        {
            await old.DisconnectAsync(
                    new MqttClientDisconnectOptionsBuilder()
                        .WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage)
                        .Build(),
                    ct
                )
                .ConfigureAwait(false);
            old.Dispose();
            _statusClients[i] = null;
        }
        else
            await PublishStatusAsync(d, _payloads.Offline(d.Instance), ct).ConfigureAwait(false);
        d.Restart(FleetRun.Hex(_rng), FleetRun.Hex(_rng));
        await OnlineAsync(i, ct).ConfigureAwait(false);
    }

    private async Task OnlineAsync(int i, CancellationToken ct)
    {
        var d = devices[i];
        d.StartedAt = time.GetUtcNow();
        var online = _payloads.Online(d.Instance, d.StartedAt, d.Commissioning);
        if (!o.Wills)
        {
            await PublishStatusAsync(d, online, ct).ConfigureAwait(false);
            return;
        }
        var client = _statusClients[i] = await ConnectAsync(d.Id, (d.StatusTopic, _payloads.Offline(d.Instance)), ct).ConfigureAwait(false);
        var r = await client.PublishAsync(Status(d, online), ct).ConfigureAwait(false);
        Count(r);
    }

    private async Task PublishStatusAsync(FleetDevice d, byte[] payload, CancellationToken ct) =>
        await PublishAsync(Status(d, payload), ct).ConfigureAwait(false);

    private MqttApplicationMessage Status(FleetDevice d, byte[] payload)
    {
        Statuses++;
        return new MqttApplicationMessageBuilder()
            .WithTopic(d.StatusTopic)
            .WithPayload(payload)
            .WithRetainFlag(true)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
    }

    /// <summary>Publishes on the shared connection until the broker answers (reconnecting in between); true when it
    /// took the message (Success or No matching subscribers, as the daemon counts a PUBACK).</summary>
    private async Task<bool> PublishAsync(MqttApplicationMessage message, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                if (_client is not { IsConnected: true })
                {
                    _client?.Dispose();
                    _client = null;
                    _client = await ConnectAsync($"kavach-sim-fleet-{Environment.ProcessId}-{index}", null, ct).ConfigureAwait(false);
                    Reconnects++;
                }
                return Count(await _client.PublishAsync(message, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (e is MqttCommunicationException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private bool Count(MqttClientPublishResult r)
    {
        if (r.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers)
            NoSubscribers++;
        else if (r.ReasonCode != MqttClientPublishReasonCode.Success)
        {
            Refused++;
            return false;
        }
        return true;
    }

    private async Task<IMqttClient> ConnectAsync(string clientId, (string Topic, byte[] Payload)? will, CancellationToken ct)
    {
        var client = _factory.CreateMqttClient();
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(30))
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (will is { } w)
            b = b.WithWillTopic(w.Topic)
                .WithWillPayload(w.Payload)
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        try
        {
            var r = await client.ConnectAsync(b.Build(), ct).ConfigureAwait(false);
            if (r.ResultCode != MqttClientConnectResultCode.Success)
                throw new InvalidOperationException($"the broker {o.Host}:{o.Port} refused {clientId}: {r.ResultCode} {r.ReasonString}");
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
