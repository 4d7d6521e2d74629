using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// The receiving end in tests: an MQTTnet client with a persistent session (the broker queues QoS 1
/// messages for it while it is away), collecting every message. <see cref="ReconnectAsync"/> after a
/// broker restart: a test drives the reconnection explicitly.
/// </summary>
public sealed class TestSubscriber : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly int _port;
    private readonly string _filter;
    private readonly string _clientId = "test-sub-" + Guid.NewGuid().ToString("N")[..8];

    private TestSubscriber(int port, string filter)
    {
        _port = port;
        _filter = filter;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            Messages.Enqueue(
                new Received(m.Topic, Encoding.UTF8.GetString(m.Payload), m.Retain, m.CorrelationData) { Bytes = m.Payload.ToArray() }
            );
            return Task.CompletedTask;
        };
    }

    public sealed record Received(string Topic, string Payload, bool Retain, byte[]? CorrelationData)
    {
        /// <summary>The payload as received (binary sensor frames do not survive <see cref="Payload"/>'s UTF-8 decoding).</summary>
        public byte[] Bytes { get; init; } = [];
    }

    public ConcurrentQueue<Received> Messages { get; } = new();

    public IMqttClient Client => _client;

    public static async Task<TestSubscriber> StartAsync(int port, string filter)
    {
        var s = new TestSubscriber(port, filter);
        await s.ReconnectAsync();
        return s;
    }

    public async Task ReconnectAsync()
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(600)
            .Build();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (_client.IsConnected)
                    await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
                await _client.ConnectAsync(options);
                break;
            }
            catch (Exception) when (sw.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(100);
            }
        }
        await _client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder().WithTopicFilter(_filter, MqttQualityOfServiceLevel.AtLeastOnce).Build()
        );
    }

    public List<Received> On(string topicSuffix) => Messages.Where(m => m.Topic.EndsWith(topicSuffix, StringComparison.Ordinal)).ToList();

    /// <summary>Publishes a command the way an operator's client would (QoS 1, expiry).</summary>
    public Task PublishAsync(string topic, string payload, uint expiryS = 30, bool retain = false, byte[]? correlation = null)
    {
        var b = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (expiryS > 0)
            b = b.WithMessageExpiryInterval(expiryS);
        if (correlation is not null)
            b = b.WithCorrelationData(correlation);
        return _client.PublishAsync(b.Build());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected)
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }
        catch (Exception)
        { /* broker already gone */
        }
        _client.Dispose();
    }
}
