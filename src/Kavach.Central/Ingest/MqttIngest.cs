using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Kavach.Central.Configuration;
using Kavach.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Npgsql;

namespace Kavach.Central.Ingest;

/// <summary>
/// The ingest: one MQTT 5 client in the shared subscription group (<c>$share/GROUP/kavach/+/alerts</c>,
/// <c>…/status</c> and <c>…/cmd-result</c>, QoS 1; <c>…/telemetry</c>, QoS 0, as a sign of life) with MANUAL acknowledgement, and <c>Database.Committers</c>
/// committers (batches in parallel; acknowledgements sent by their own loop after the commit). A message is acknowledged to the broker only
/// after the transaction holding its row has committed, so a crash or a PostgreSQL outage loses nothing: the broker keeps the message in
/// this instance's persistent session (fixed client id, clean start off) and sends it again. Re-deliveries are no-ops in the database
/// (<see cref="BatchCommitter"/>). One explicit connect loop with backoff (reconnecting from MQTTnet's events can deadlock); the client's
/// events only copy the message into the inbox. The broker bounds the inbox: at most <c>Mqtt.ReceiveMaximum</c> messages are
/// unacknowledged at a time.
/// </summary>
public sealed class MqttIngest(
    CentralOptions options,
    BatchCommitter committer,
    IngestCounters counters,
    Hosting.CentralMetrics metrics,
    ILogger<MqttIngest> log
) : BackgroundService
{
    private readonly Channel<Inbound> _inbox = Channel.CreateUnbounded<Inbound>(new UnboundedChannelOptions { SingleReader = false });
    private long _connection;
    private IMqttClient? _client;

    // Committed batches wait here for their acknowledgements: the committer goes on with the next batch while the
    // acknowledgements of the last one are sent (one packet each; in series on the commit path they cost more than the commit).
    private readonly Channel<List<Inbound>> _committed = Channel.CreateUnbounded<List<Inbound>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false }
    );

    protected override Task ExecuteAsync(CancellationToken stop) =>
        Task.WhenAll([
            ConnectLoopAsync(stop),
            AcknowledgeLoopAsync(stop),
            .. Enumerable.Range(0, options.Database.Committers).Select(_ => CommitLoopAsync(stop)),
        ]);

    private async Task AcknowledgeLoopAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var batch in _committed.Reader.ReadAllAsync(stop).ConfigureAwait(false))
                await AcknowledgeAsync(batch, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // committed and not acknowledged: the broker sends those again, and their commit is a no-op
        }
    }

    private async Task ConnectLoopAsync(CancellationToken stop)
    {
        var o = options.Mqtt;
        var backoff = new Backoff(TimeSpan.FromMilliseconds(o.ReconnectMinMs), TimeSpan.FromMilliseconds(o.ReconnectMaxMs));
        var factory = new MqttClientFactory();
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            using var client = factory.CreateMqttClient();
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var connection = Interlocked.Increment(ref _connection); // before CONNECT: a resumed session sends at once
            client.DisconnectedAsync += _ =>
            {
                lost.TrySetResult();
                return Task.CompletedTask;
            };
            client.ApplicationMessageReceivedAsync += e =>
            {
                e.AutoAcknowledge = false; // acknowledged by the committer, after the commit
                var m = e.ApplicationMessage;
                counters.OnReceived();
                _inbox.Writer.TryWrite(
                    new Inbound(
                        m.Topic,
                        m.Payload.ToArray(),
                        e,
                        connection,
                        Stopwatch.GetTimestamp(),
                        Inbound.SentMs(m.UserProperties),
                        m.CorrelationData is { Length: > 0 } cd ? cd.ToArray() : null
                    )
                );
                return Task.CompletedTask;
            };
            try
            {
                var result = await client
                    .ConnectAsync(
                        new MqttClientOptionsBuilder()
                            .WithTcpServer(o.Host, o.Port)
                            .WithProtocolVersion(MqttProtocolVersion.V500)
                            .WithClientId(o.ClientId)
                            .WithCleanStart(false)
                            .WithSessionExpiryInterval((uint)o.SessionExpiryS)
                            .WithKeepAlivePeriod(TimeSpan.FromSeconds(o.KeepAliveS))
                            .WithReceiveMaximum((ushort)o.ReceiveMaximum)
                            .WithTimeout(TimeSpan.FromSeconds(10))
                            .Build(),
                        stop
                    )
                    .ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                    throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
                await client
                    .SubscribeAsync(
                        new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter(Topics.Shared(o.SharedGroup, "alerts"), MqttQualityOfServiceLevel.AtLeastOnce)
                            .WithTopicFilter(Topics.Shared(o.SharedGroup, "status"), MqttQualityOfServiceLevel.AtLeastOnce)
                            .WithTopicFilter(Topics.Shared(o.SharedGroup, "cmd-result"), MqttQualityOfServiceLevel.AtLeastOnce)
                            .WithTopicFilter(Topics.Shared(o.SharedGroup, "telemetry"), MqttQualityOfServiceLevel.AtMostOnce) // live only, QoS 0 at the post
                            .Build(),
                        stop
                    )
                    .ConfigureAwait(false);
                Volatile.Write(ref _client, client);
                counters.Connected = true;
                log.LogInformation(
                    "MQTT: connected to {Host}:{Port} as {ClientId} (session {Session}), group {Group}{After}",
                    o.Host,
                    o.Port,
                    o.ClientId,
                    result.IsSessionPresent ? "resumed" : "new",
                    o.SharedGroup,
                    failures > 0 ? $" after {failures} failed attempt(s)" : ""
                );
                failures = 0;
                backoff.Reset();
                await lost.Task.WaitAsync(stop).ConfigureAwait(false);
                log.LogWarning(
                    "MQTT: connection to {Host}:{Port} lost; unacknowledged messages come again after the reconnect",
                    o.Host,
                    o.Port
                );
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // stopping: the session (and what it holds unacknowledged) stays at the broker for the next start
                try
                {
                    if (client.IsConnected)
                        await client
                            .DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None)
                            .ConfigureAwait(false);
                }
                catch (Exception e)
                    when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException) { }
                break;
            }
            catch (Exception e)
                when (e
                        is MQTTnet.Exceptions.MqttCommunicationException
                            or InvalidOperationException
                            or OperationCanceledException
                            or IOException
                )
            {
                if (failures++ == 0)
                    log.LogWarning("MQTT: cannot connect to {Host}:{Port}: {Message}; retrying", o.Host, o.Port, e.Message);
            }
            finally
            {
                counters.Connected = false;
                Interlocked.CompareExchange(ref _client, null, client);
            }
            try
            {
                await Task.Delay(backoff.Next(), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Publishes <paramref name="message"/> on this instance's connection (the API's commands); the broker's
    /// answer (Success, NoMatchingSubscribers, NotAuthorized, …), or "not connected".</summary>
    public async Task<string> PublishAsync(MqttApplicationMessage message, CancellationToken ct)
    {
        var client = Volatile.Read(ref _client);
        if (client is not { IsConnected: true })
            return NotConnected;
        try
        {
            var r = await client.PublishAsync(message, ct).ConfigureAwait(false);
            return r.ReasonCode.ToString();
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            return NotConnected + ": " + e.Message;
        }
    }

    public const string NotConnected = "not connected";

    private async Task CommitLoopAsync(CancellationToken stop)
    {
        var o = options.Database;
        var backoff = new Backoff(TimeSpan.FromMilliseconds(o.RetryMinMs), TimeSpan.FromMilliseconds(o.RetryMaxMs));
        var reader = _inbox.Reader;
        var batch = new List<Inbound>(o.BatchMaxRows);
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                await FillAsync(reader, batch, o.BatchMaxRows, TimeSpan.FromMilliseconds(o.BatchMaxDelayMs), stop).ConfigureAwait(false);
                var failures = 0;
                while (true)
                {
                    try
                    {
                        var started = Stopwatch.GetTimestamp();
                        var r = await committer.CommitAsync(batch, stop).ConfigureAwait(false);
                        var committedAt = Stopwatch.GetTimestamp();
                        counters.OnCommitted(batch.Count, r);
                        metrics.BatchSize.Record(batch.Count);
                        metrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started, committedAt).TotalMilliseconds);
                        var committedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                        foreach (var m in batch)
                        {
                            metrics.ReceiveToCommit.Record(Stopwatch.GetElapsedTime(m.ReceivedTicks, committedAt).TotalSeconds);
                            if (m.SentUnixMs > 0)
                                metrics.PublishToCommit.Record(Math.Max(0, committedUnixMs - m.SentUnixMs) / 1000.0);
                        }
                        if (failures > 0)
                            log.LogInformation("PostgreSQL: commit succeeded after {Failures} failure(s)", failures);
                        if (r.Rejects > 0)
                            log.LogWarning("Ingest: {Rejects} message(s) did not fit the contract; kept in the rejects table", r.Rejects);
                        backoff.Reset();
                        break;
                    }
                    catch (Exception e)
                        when (e is NpgsqlException or IOException or TimeoutException
                            || (e is InvalidOperationException && !stop.IsCancellationRequested)
                        )
                    {
                        counters.OnFailedCommit();
                        var delay = backoff.Next();
                        if (failures++ == 0)
                            log.LogWarning(
                                "PostgreSQL: commit of {Count} message(s) failed, held unacknowledged, retrying (next in {DelayMs} ms): {Message}",
                                batch.Count,
                                (int)delay.TotalMilliseconds,
                                e.Message
                            );
                        await Task.Delay(delay, stop).ConfigureAwait(false);
                    }
                }
                _committed.Writer.TryWrite(batch); // acknowledged by AcknowledgeLoopAsync, only now that it is committed
                batch = new List<Inbound>(o.BatchMaxRows);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // the batch in hand was not committed, or committed and not acknowledged: the broker sends it again
        }
    }

    private static async Task FillAsync(ChannelReader<Inbound> reader, List<Inbound> batch, int max, TimeSpan wait, CancellationToken stop)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < max)
        {
            if (reader.TryRead(out var m))
            {
                batch.Add(m);
                continue;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
                break;
            var more = reader.WaitToReadAsync(stop).AsTask();
            if (await Task.WhenAny(more, Task.Delay(left, stop)).ConfigureAwait(false) != more || !await more.ConfigureAwait(false))
                break;
        }
    }

    // Only on the connection a message came on: after a reconnect the broker sends it again, and that copy is
    // committed (a no-op) and acknowledged in its turn.
    private async Task AcknowledgeAsync(List<Inbound> batch, CancellationToken stop)
    {
        var client = Volatile.Read(ref _client);
        var current = Interlocked.Read(ref _connection);
        foreach (var m in batch)
        {
            if (m.Message is null || m.Connection != current || client is not { IsConnected: true })
                continue;
            try
            {
                await m.Message.AcknowledgeAsync(stop).ConfigureAwait(false);
                counters.OnAcknowledged();
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
            {
                log.LogDebug("MQTT: acknowledgement not sent ({Message}); the broker sends the message again", e.Message);
            }
        }
    }
}
