using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Kavach.Contracts;
using Kavach.Edge.Alarm;
using Kavach.Edge.Uplink;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kavach.Central.Tests.Support;

/// <summary>
/// A post that takes commands, standing in for the daemon on a real broker: subscribed to its <c>cmd/#</c>, it judges
/// each with the daemon's own <see cref="CommandHandler"/> (expiry, retain, fields, episode, remote maintenance off) on a
/// stub alarm, and answers on <c>cmd-result</c> with the command's correlation data, as UplinkService does. Commands are
/// handled on a loop of its own, not on MQTTnet's receive thread.
/// </summary>
public sealed class CommandedPost : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Channel<MqttApplicationMessage> _inbox = Channel.CreateUnbounded<MqttApplicationMessage>();
    private readonly Task _loop;

    private CommandedPost(string deviceId, IMqttClient client)
    {
        Topics = new Topics(deviceId);
        DeviceId = deviceId;
        _client = client;
        Handler = new CommandHandler(60, Alarm, seq => (1, seq), (_, change) => change, () => 1);
        _loop = Task.Run(LoopAsync);
    }

    public string DeviceId { get; }
    public Topics Topics { get; }
    public StubAlarm Alarm { get; } = new();
    public CommandHandler Handler { get; }

    /// <summary>Every command received, in order.</summary>
    public ConcurrentQueue<MqttApplicationMessage> Received { get; } = new();

    public static async Task<CommandedPost> ConnectAsync(int port, string deviceId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var post = new CommandedPost(deviceId, client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            post._inbox.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await client.ConnectAsync(
            new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", port)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId(deviceId + "-cmd")
                .WithCleanStart(true)
                .Build()
        );
        await client.SubscribeAsync(post.Topics.CommandFilter, MqttQualityOfServiceLevel.AtLeastOnce);
        return post;
    }

    /// <summary>Publishes a cmd-result as the post would (for a test that answers twice).</summary>
    public Task AnswerAsync(CommandResult r, byte[]? correlation)
    {
        var m = new MqttApplicationMessageBuilder()
            .WithTopic(Topics.CommandResult)
            .WithPayload(UplinkJson.CommandResult(DeviceId, r.Command, r.Accepted, r.Reason, r.Seq, DateTimeOffset.UtcNow))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (correlation is not null)
            m = m.WithCorrelationData(correlation);
        return _client.PublishAsync(m.Build());
    }

    private async Task LoopAsync()
    {
        await foreach (var m in _inbox.Reader.ReadAllAsync())
        {
            Received.Enqueue(m);
            var name = m.Topic[Topics.CommandPrefix.Length..];
            var result = Handler.Handle(
                new ReceivedCommand(name, m.Payload.ToArray(), m.Retain, m.MessageExpiryInterval, m.CorrelationData)
            );
            await AnswerAsync(result, m.CorrelationData);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _inbox.Writer.TryComplete();
        await _loop;
        if (_client.IsConnected)
            await _client.DisconnectAsync();
        _client.Dispose();
    }

    /// <summary>The alarm's side of a command: an episode acknowledged once, maintenance always granted.</summary>
    public sealed class StubAlarm : ICommandTarget
    {
        private readonly HashSet<long> _acked = [];

        public long CurrentEpisode { get; set; }

        public CommandOutcome Acknowledge(long? episode, string by, CommandSource source)
        {
            lock (_acked)
                return _acked.Add(episode ?? CurrentEpisode)
                    ? new CommandOutcome(true, $"episode {episode} acknowledged by {by}")
                    : new CommandOutcome(false, $"episode {episode} is already acknowledged; the silence is not extended");
        }

        public CommandOutcome StartMaintenance(TimeSpan duration, string by, CommandSource source) =>
            new(true, $"maintenance for {duration.TotalMinutes} min by {by}");

        public CommandOutcome EndMaintenance(string by, CommandSource source) => new(true, $"maintenance ended by {by}");
    }
}
