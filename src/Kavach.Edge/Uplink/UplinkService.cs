using System.Security.Authentication;
using System.Threading.Channels;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kavach.Edge.Uplink;

/// <summary>
/// Store-and-forward uplink to the central broker (MQTT 5). ONE explicit loop connects, publishes the
/// retained online status, subscribes to commands, then drains the outbox in order — a row leaves only
/// after its PUBACK — sends telemetry (QoS 0, live, best effort) and answers commands. Any failure ends
/// the session; the loop reconnects after a capped, jittered backoff. MQTTnet's events only copy data
/// and wake the loop (reconnecting or publishing from them can deadlock in MQTTnet 5). A dead broker
/// never touches the alarm or storage: alerts wait in SQLite. One post, one identity: another unit seen under
/// our Device.Id (<see cref="IdentityGuard"/>) is FAULT and the loop holds back for Uplink.IdConflictHoldOffMs
/// between looks instead of taking the session back and forth.
/// </summary>
public sealed class UplinkService : IHostedService
{
    private const int DrainBatch = 64;

    private readonly KavachOptions _options;
    private readonly StorageService _storage;
    private readonly RiskBroadcaster _broadcaster;
    private readonly TimeProvider _time;
    private readonly ILogger<UplinkService> _log;
    private readonly Topics _topics;
    private readonly IOutbox _outbox;
    private readonly CommandHandler _commands;
    private readonly IdentityGuard _guard;
    private readonly Channel<ReceivedCommand> _received = Channel.CreateBounded<ReceivedCommand>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite }
    );
    private readonly DateTimeOffset _startedAt;
    private static readonly TimeSpan StatusWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinSteadySession = TimeSpan.FromSeconds(5);
    private TaskCompletionSource _wake = NewSignal();
    private TaskCompletionSource _statusSeen = NewSignal();
    private CancellationTokenSource? _stop;
    private Task _run = Task.CompletedTask;
    private long _sent,
        _attempts,
        _deadLettered;
    private volatile bool _connected;

    public UplinkService(
        KavachOptions options,
        StorageService storage,
        RiskBroadcaster broadcaster,
        StageFaults faults,
        TimeProvider time,
        ILogger<UplinkService> log,
        ICommandTarget? target = null
    )
    {
        _options = options;
        _storage = storage;
        _broadcaster = broadcaster;
        _time = time;
        _log = log;
        _topics = new Topics(options.Device.Id);
        _outbox = storage.Outbox;
        _commands = new CommandHandler(
            options.Uplink.MaxCommandAgeS,
            target,
            _outbox.FindAlert,
            _outbox.FindSeq,
            () => _storage.Run,
            options.Uplink.AllowRemoteMaintenance
        );
        _startedAt = time.GetUtcNow();
        _guard = new IdentityGuard(options.Device.Id, faults, log);
    }

    /// <summary>Outbox rows acknowledged by the broker since start.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Outbox rows the broker refused, moved to the dead-letter table since start.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Connection attempts since start.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    public bool Connected => _connected;

    /// <summary>Named degradations (not commissioned, coverage): on the retained status and on every telemetry message.</summary>
    public Commissioning.Degradations? Degradations { get; init; }

    /// <summary>A locomotive unit's latest cab view for telemetry (null on a trackside post).</summary>
    public Func<Locomotive.CabView?>? Cab { get; init; }

    /// <summary>This process's instance id (in every status it publishes).</summary>
    public string InstanceId => _guard.InstanceId;

    /// <summary>"another unit uses device id X" while the uplink holds back for it, else null.</summary>
    public string? IdConflict => _guard.Conflict;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Uplink.Host.Length == 0)
        {
            _log.LogInformation("Uplink: none configured (Uplink.Host is empty); alerts wait in the outbox");
            return Task.CompletedTask;
        }
        _stop = new CancellationTokenSource();
        _run = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>An alert was committed: wake the outbox drain (Hosting/FanOut.cs connects it). Thread-safe, never blocks.</summary>
    public void OnCommitted(RiskState state, CommittedAlert alert) => Wake();

    private void Wake() => _wake.TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private enum Look
    {
        /// <summary>Status, commands, outbox, telemetry.</summary>
        Normal,

        /// <summary>In conflict, after a hold-off: watch our status topic; clean for a hold-off → clear, go normal.</summary>
        Probe,

        /// <summary>Just taken over: connect once so the other unit is taken over too and learns; then hold back.</summary>
        Announce,
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var o = _options.Uplink;
        var backoff = new Backoff(TimeSpan.FromMilliseconds(o.ReconnectMinMs), TimeSpan.FromMilliseconds(o.ReconnectMaxMs));
        var holdOff = TimeSpan.FromMilliseconds(o.IdConflictHoldOffMs);
        var factory = new MqttClientFactory();
        var failures = 0;
        var announce = false;
        while (!stop.IsCancellationRequested)
        {
            long? connectedAt = null;
            using var client = factory.CreateMqttClient();
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var look =
                !_guard.InConflict ? Look.Normal
                : announce ? Look.Announce
                : Look.Probe;
            announce = false;
            _statusSeen = NewSignal();
            if (look != Look.Normal)
                _guard.BeginLook();
            client.DisconnectedAsync += e =>
            {
                _guard.OnDisconnected(e.Reason);
                lost.TrySetResult();
                Wake();
                return Task.CompletedTask;
            };
            client.ApplicationMessageReceivedAsync += OnMessage;
            try
            {
                Interlocked.Increment(ref _attempts);
                var result = await client
                    .ConnectAsync(UplinkClientOptions.Build(_options, _topics, _guard.InstanceId), stop)
                    .ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                    throw new UplinkRefusedException(result.ResultCode, result.ReasonString);
                _log.LogInformation(
                    "Uplink: connected to {Host}:{Port} as {ClientId} (session {Session}, instance {Instance}){After}{Look}",
                    o.Host,
                    o.Port,
                    _options.Device.Id,
                    result.IsSessionPresent ? "resumed" : "new",
                    _guard.InstanceId,
                    failures > 0 ? $" after {failures} failed attempt(s)" : "",
                    look == Look.Normal ? ""
                        : look == Look.Probe ? "; looking for the other unit, no alerts or commands meanwhile"
                        : "; telling the other unit"
                );
                failures = 0;
                connectedAt = _time.GetTimestamp();
                // our own status topic first: a live status there from another instance is evidence (IdentityGuard)
                await client
                    .SubscribeAsync(
                        new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter(_topics.Status, MqttQualityOfServiceLevel.AtLeastOnce)
                            .Build(),
                        stop
                    )
                    .ConfigureAwait(false);
                if (look != Look.Normal)
                {
                    await PublishAsync(
                            client,
                            _topics.Status,
                            UplinkJson.Conflict(_guard.InstanceId, _guard.FaultMessage, _guard.Since),
                            MqttQualityOfServiceLevel.AtLeastOnce,
                            retain: true,
                            stop
                        )
                        .ConfigureAwait(false);
                    if (look == Look.Announce)
                    {
                        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), stop).ConfigureAwait(false);
                        throw new HoldBackException();
                    }
                    await ProbeAsync(client, lost.Task, holdOff * 1.5, stop).ConfigureAwait(false); // returns once clean: go on as normal
                    _guard.EndLook();
                }
                else
                {
                    // the retained status comes right after the SUBACK: read it before we say we are online
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    await Task.WhenAny(_statusSeen.Task, Task.Delay(StatusWait, _time, cts.Token)).ConfigureAwait(false);
                    await cts.CancelAsync().ConfigureAwait(false);
                    stop.ThrowIfCancellationRequested();
                    if (_guard.HasEvidence)
                        throw new HoldBackException();
                }
                await PublishAsync(
                        client,
                        _topics.Status,
                        UplinkJson.Online(
                            AppInfo.Version,
                            _startedAt,
                            _guard.InstanceId,
                            Degradations?.Snapshot(),
                            _options.CommissioningHash
                        ),
                        MqttQualityOfServiceLevel.AtLeastOnce,
                        retain: true,
                        stop
                    )
                    .ConfigureAwait(false);
                _guard.MarkOnline();
                await client
                    .SubscribeAsync(
                        new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter(_topics.CommandFilter, MqttQualityOfServiceLevel.AtLeastOnce)
                            .Build(),
                        stop
                    )
                    .ConfigureAwait(false);
                _connected = true;
                await SessionAsync(client, lost.Task, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await GoodbyeAsync(client).ConfigureAwait(false);
                break;
            }
            catch (Exception) when (_guard.HasEvidence || look == Look.Announce)
            {
                // handled below: not a network failure
            }
            catch (Exception e) when (look == Look.Probe && e is ConnectionLostException)
            {
                // mosquitto closes a session taken over without saying why: a cut look is not a clean one
                _log.LogWarning(
                    "Uplink: the look for another unit under device id {DeviceId} was cut (another client may have taken the session); still held back",
                    _options.Device.Id
                );
            }
            catch (Exception e)
            {
                failures++;
                LogFailure(e, failures);
            }
            finally
            {
                _connected = false;
                _guard.EndLook();
            }
            // Only a session that lasted resets the backoff: one the broker drops at once (taken over, refused
            // after CONNACK) keeps doubling it, so two clients with one id cannot bounce it at the minimum delay.
            if (connectedAt is { } at && _time.GetElapsedTime(at) >= MinSteadySession)
                backoff.Reset();
            if (_guard.TakeEvidence(_time.GetUtcNow(), holdOff))
            {
                // Still connected (a live status from the other unit): leave with our conflict status, which it
                // sees. Taken over: connect once more so that it is taken over in turn and learns (not after an
                // announcement: one per look, so two units cannot bounce the session in a loop).
                if (client.IsConnected)
                    await LeaveAsync(client).ConfigureAwait(false);
                else
                    announce = look != Look.Announce;
            }
            var delay = _guard.InConflict && !announce ? Backoff.Jittered(holdOff) : backoff.Next();
            // A session cut before it lasted (taken over by a client with our id: mosquitto just closes the socket)
            // waits at least two status waits, so that the other client can finish its look and say it is online,
            // and the next look of either one sees the other's status after its own: evidence. Shorter, and two
            // units with one id can take the session from each other in step for ever, neither ever online.
            if (!_guard.InConflict && connectedAt is { } cut && _time.GetElapsedTime(cut) < MinSteadySession && delay < 2 * StatusWait)
                delay = Backoff.Jittered(2 * StatusWait) + 0.2 * StatusWait;
            if (_guard.InConflict && !announce)
                _log.LogInformation(
                    "Uplink: holding back {DelayS:0} s ({Message}); {Pending} alert(s) wait in the outbox",
                    delay.TotalSeconds,
                    _guard.FaultMessage,
                    _outbox.Count()
                );
            try
            {
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    // In conflict: watch our status topic for a whole hold-off. The other unit taking the session or showing
    // itself live throws; a clean hold-off clears the fault.
    private async Task ProbeAsync(IMqttClient client, Task lost, TimeSpan clean, CancellationToken stop)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var quiet = Task.Delay(clean, _time, cts.Token);
        try
        {
            while (true)
            {
                stop.ThrowIfCancellationRequested();
                if (_wake.Task.IsCompleted)
                    _wake = NewSignal();
                if (_guard.HasEvidence)
                    throw new HoldBackException();
                if (lost.IsCompleted || !client.IsConnected)
                    throw new ConnectionLostException();
                if (quiet.IsCompletedSuccessfully)
                {
                    _guard.Clear(clean);
                    return;
                }
                await Task.WhenAny(_wake.Task, lost, quiet).ConfigureAwait(false);
            }
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
    }

    // Evidence while connected: say so (retained, so the central side sees it too) and leave cleanly (no will).
    private async Task LeaveAsync(IMqttClient client)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await PublishAsync(
                    client,
                    _topics.Status,
                    UplinkJson.Conflict(_guard.InstanceId, _guard.FaultMessage, _guard.Since),
                    MqttQualityOfServiceLevel.AtLeastOnce,
                    retain: true,
                    cts.Token
                )
                .ConfigureAwait(false);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cts.Token).ConfigureAwait(false);
        }
        catch (Exception e)
            when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // the connection is going anyway
        }
    }

    private void LogFailure(Exception e, int failures)
    {
        var o = _options.Uplink;
        var inner = e;
        while (inner.InnerException is not null && inner is not UplinkRefusedException and not AuthenticationException)
            inner = inner.InnerException;
        switch (e)
        {
            case UplinkRefusedException r
                when r.Code is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized:
                _log.LogError(
                    "Uplink: the broker {Host}:{Port} refused our credentials ({Code}): check Uplink.Username and Uplink.PasswordFile; retrying with backoff",
                    o.Host,
                    o.Port,
                    r.Code
                );
                break;
            case UplinkRefusedException r:
                _log.LogError(
                    "Uplink: the broker {Host}:{Port} refused the connection ({Code} {Reason}); retrying with backoff",
                    o.Host,
                    o.Port,
                    r.Code,
                    r.Reason
                );
                break;
            case ConnectionLostException:
                _log.LogWarning(
                    "Uplink: connection to {Host}:{Port} lost; {Pending} alert(s) wait in the outbox; reconnecting",
                    o.Host,
                    o.Port,
                    _outbox.Count()
                );
                break;
            default:
                if (inner is AuthenticationException || e is AuthenticationException)
                    _log.LogError(
                        "Uplink: TLS with {Host}:{Port} failed: {Message} (check Uplink.CaFile, the broker's certificate and its host name); retrying with backoff",
                        o.Host,
                        o.Port,
                        inner.Message
                    );
                else if (failures == 1 || failures % 10 == 0)
                    _log.LogWarning(
                        "Uplink: cannot reach {Host}:{Port} ({Failures} attempt(s)): {Message}; retrying with backoff",
                        o.Host,
                        o.Port,
                        failures,
                        inner.Message
                    );
                break;
        }
    }

    private async Task SessionAsync(IMqttClient client, Task lost, CancellationToken stop)
    {
        var telemetryEvery =
            _options.Uplink.TelemetryMs > 0 ? TimeSpan.FromMilliseconds(_options.Uplink.TelemetryMs) : Timeout.InfiniteTimeSpan;
        var nextTelemetry = _time.GetTimestamp();
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            // Re-arm the wake-up before looking for work, so nothing signalled meanwhile is missed.
            if (_wake.Task.IsCompleted)
                _wake = NewSignal();
            if (_guard.HasEvidence)
                throw new HoldBackException();
            if (lost.IsCompleted || !client.IsConnected)
                throw new ConnectionLostException();

            while (_received.Reader.TryRead(out var command))
                await AnswerAsync(client, command, stop).ConfigureAwait(false);

            var batch = _outbox.Peek(DrainBatch);
            if (batch.Count > 0)
            {
                var acked = new List<OutboxItem>(batch.Count);
                (OutboxItem Item, string Reason)? refused = null;
                try
                {
                    foreach (var item in batch)
                    {
                        if (
                            await TryPublishAsync(
                                    client,
                                    _topics.Alerts,
                                    item.Payload,
                                    MqttQualityOfServiceLevel.AtLeastOnce,
                                    retain: false,
                                    stop
                                )
                                .ConfigureAwait(false) is
                            { } reason
                        )
                        {
                            refused = (item, reason);
                            break;
                        }
                        acked.Add(item);
                    }
                }
                finally
                {
                    _outbox.Remove(acked);
                    Interlocked.Add(ref _sent, acked.Count);
                }
                if (refused is var (row, why))
                {
                    // one refused row must not block the queue: it is kept aside, a small record says so, the rest go on
                    _outbox.DeadLetter(row, why, _options.Device.Id, _time.GetUtcNow());
                    Interlocked.Increment(ref _deadLettered);
                    _log.LogWarning(
                        "Uplink: the broker refused {Kind} seq {From}-{To} ({Reason}); kept in the dead_letter table{Record}; the outbox goes on",
                        row.Kind,
                        row.SeqFrom,
                        row.SeqTo,
                        why,
                        row.Kind == "rejected" ? "" : ", a rejected record is sent in its place"
                    );
                }
                continue;
            }

            if (telemetryEvery != Timeout.InfiniteTimeSpan && _time.GetTimestamp() >= nextTelemetry)
            {
                await PublishAsync(client, _topics.Telemetry, Telemetry(), MqttQualityOfServiceLevel.AtMostOnce, retain: false, stop)
                    .ConfigureAwait(false);
                nextTelemetry = _time.GetTimestamp() + (long)(telemetryEvery.TotalSeconds * _time.TimestampFrequency);
            }

            var wait =
                telemetryEvery == Timeout.InfiniteTimeSpan
                    ? TimeSpan.FromSeconds(30) // a periodic look at the outbox, in case a wake-up was lost
                    : TimeSpan.FromSeconds(Math.Max(0, (nextTelemetry - _time.GetTimestamp()) / (double)_time.TimestampFrequency));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
            await Task.WhenAny(_wake.Task, lost, Task.Delay(wait, _time, cts.Token)).ConfigureAwait(false);
            await cts.CancelAsync().ConfigureAwait(false);
        }
    }

    private string Telemetry() =>
        UplinkJson.Telemetry(
            _options.Device.Id,
            _time.GetUtcNow(),
            _broadcaster.Latest?.Level,
            _outbox.Count(),
            _storage.ShedTotal,
            _storage.Clock.IsSynced,
            _storage.Recorder.Latest,
            _options.Sensors.Select(s => s.Name).ToList(),
            Degradations?.Snapshot(),
            Cab?.Invoke()
        );

    private async Task AnswerAsync(IMqttClient client, ReceivedCommand command, CancellationToken stop)
    {
        CommandResult result;
        try
        {
            result = _commands.Handle(command);
        }
        catch (Exception e)
        {
            result = new CommandResult(command.Name, false, "failed: " + e.Message, null);
        }
        _log.Log(
            result.Accepted ? LogLevel.Information : LogLevel.Warning,
            "Uplink: command {Command} {Outcome}: {Reason}",
            result.Command,
            result.Accepted ? "accepted" : "refused",
            result.Reason
        );
        var json = UplinkJson.CommandResult(
            _options.Device.Id,
            result.Command,
            result.Accepted,
            result.Reason,
            result.Seq,
            _time.GetUtcNow()
        );
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_topics.CommandResult)
            .WithPayload(json)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithContentType("application/json");
        if (command.CorrelationData is not null)
            message = message.WithCorrelationData(command.CorrelationData);
        await client.PublishAsync(message.Build(), stop).ConfigureAwait(false);
    }

    // MQTTnet's receive thread: copy and wake the loop, nothing else.
    private Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
        var m = e.ApplicationMessage;
        if (m.Topic == _topics.Status)
        {
            if (_guard.OnStatus(m.Payload, m.Retain))
                Wake();
            _statusSeen.TrySetResult();
            return Task.CompletedTask;
        }
        if (_guard.InConflict || _guard.HasEvidence)
        {
            // a command for this id may be meant for the other unit: never act on it
            _log.LogWarning("Uplink: dropped a command on {Topic}: {Message}", m.Topic, _guard.FaultMessage);
            return Task.CompletedTask;
        }
        var name = m.Topic.StartsWith(_topics.CommandPrefix, StringComparison.Ordinal) ? m.Topic[_topics.CommandPrefix.Length..] : m.Topic;
        var payload = System.Buffers.BuffersExtensions.ToArray(m.Payload);
        if (!_received.Writer.TryWrite(new ReceivedCommand(name, payload, m.Retain, m.MessageExpiryInterval, m.CorrelationData)))
            _log.LogWarning("Uplink: command queue full; dropped a {Command} command", Alarm.RemoteText.Clean(name));
        Wake();
        return Task.CompletedTask;
    }

    /// <summary>Publishes; null when the broker has it, else its refusal ("NotAuthorized", "PacketTooLarge …").</summary>
    private static async Task<string?> TryPublishAsync(
        IMqttClient client,
        string topic,
        string payload,
        MqttQualityOfServiceLevel qos,
        bool retain,
        CancellationToken ct
    )
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(retain)
            .WithContentType("application/json")
            .Build();
        var result = await client.PublishAsync(message, ct).ConfigureAwait(false);
        // PUBACK 0x00 Success and 0x10 No matching subscribers both mean the broker has it.
        if (
            qos == MqttQualityOfServiceLevel.AtMostOnce
            || result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers
        )
            return null;
        // mosquitto also answers codes MQTTnet has no name for (0x95 packet too large for message_size_limit)
        var code = Enum.IsDefined(result.ReasonCode) ? result.ReasonCode.ToString() : $"reason code 0x{(int)result.ReasonCode:X2}";
        return string.IsNullOrEmpty(result.ReasonString) ? code : $"{code} {Alarm.RemoteText.Clean(result.ReasonString)}";
    }

    // Our status (online, conflict, offline): a refusal (an ACL on the status topic) is logged and the session goes
    // on, so one refused message never blocks the outbox.
    private async Task PublishAsync(
        IMqttClient client,
        string topic,
        string payload,
        MqttQualityOfServiceLevel qos,
        bool retain,
        CancellationToken ct
    )
    {
        if (await TryPublishAsync(client, topic, payload, qos, retain, ct).ConfigureAwait(false) is { } refusal)
            _log.LogWarning("Uplink: the broker refused our publish to {Topic} ({Reason}); going on without it", topic, refusal);
    }

    private async Task GoodbyeAsync(IMqttClient client)
    {
        if (!client.IsConnected)
            return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await PublishAsync(
                    client,
                    _topics.Status,
                    UplinkJson.Offline(_guard.InstanceId),
                    MqttQualityOfServiceLevel.AtLeastOnce,
                    retain: true,
                    cts.Token
                )
                .ConfigureAwait(false);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // the will says offline anyway
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _log.LogWarning("Uplink: stopped before saying goodbye");
        }
    }

    private sealed class ConnectionLostException() : Exception("connection lost");

    private sealed class HoldBackException() : Exception("another unit uses our device id");
}

/// <summary>The broker answered CONNECT with a failure code.</summary>
public sealed class UplinkRefusedException(MqttClientConnectResultCode code, string? reason)
    : Exception($"connection refused: {code} {reason}")
{
    public MqttClientConnectResultCode Code { get; } = code;
    public string? Reason { get; } = reason;
}
