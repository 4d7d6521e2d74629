using System.Text;
using Kavach.Contracts;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kavach.Central.Tests.Support;

/// <summary>A post as the broker sees it: a real MQTT 5 client with the daemon's client id, topics, retained status and
/// offline last will, publishing QoS 1 (each publish waits for the broker's PUBACK).</summary>
public sealed class DeviceClient : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private DeviceClient(string deviceId, IMqttClient client)
    {
        DeviceId = deviceId;
        Topics = new Topics(deviceId);
        _client = client;
    }

    public string DeviceId { get; }
    public Topics Topics { get; }
    public string Instance { get; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16];

    public static async Task<DeviceClient> ConnectAsync(int port, string deviceId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new DeviceClient(deviceId, client);
        await client.ConnectAsync(
            new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", port)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId(deviceId)
                .WithCleanStart(true)
                .WithWillTopic(device.Topics.Status)
                .WithWillPayload(DevicePayloads.Offline(device.Instance))
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build()
        );
        return device;
    }

    public Task PublishAsync(string topic, string json, bool retain = false) => PublishAsync(topic, Encoding.UTF8.GetBytes(json), retain);

    public async Task PublishAsync(string topic, byte[] payload, bool retain = false)
    {
        var r = await _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(retain)
                .Build()
        );
        Assert.True(
            r.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers,
            $"publish refused: {r.ReasonCode}"
        );
    }

    public Task OnlineAsync() => PublishAsync(Topics.Status, DevicePayloads.Online(Instance), retain: true);

    public Task TelemetryAsync() => PublishAsync(Topics.Telemetry, DevicePayloads.Telemetry(DeviceId));

    public Task AlertAsync(string epoch, long seq) => PublishAsync(Topics.Alerts, DevicePayloads.Alert(DeviceId, epoch, seq));

    /// <summary>Drops the connection so that the broker publishes the last will (MQTT 5 reason 0x04), as a post losing power
    /// does.</summary>
    public Task DieAsync() =>
        _client.DisconnectAsync(
            new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build()
        );

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
            await _client.DisconnectAsync();
        _client.Dispose();
    }
}
