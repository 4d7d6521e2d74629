using System.Text;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>mqtt input against a real mosquitto (apt package mosquitto; required) on a free loopback port.</summary>
public class MqttTransportTests
{
    private static string Config(int port) =>
        SensorJson.Config(
            $$"""
            { "Name": "lidar", "Kind": "lidar", "Transport": { "Type": "mqtt", "Host": "127.0.0.1", "Port": {{port}} } },
            { "Name": "radar", "Kind": "radar", "Transport": { "Type": "mqtt", "Host": "127.0.0.1", "Port": {{port}} } },
            { "Name": "tf", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03", "Required": false,
              "Transport": { "Type": "mqtt", "Host": "127.0.0.1", "Port": {{port}}, "Topic": "raw/tf" } }
            """
        );

    /// <summary>A publisher standing in for the sensors.</summary>
    private static async Task<IMqttClient> PublisherAsync(int port)
    {
        var c = new MqttClientFactory().CreateMqttClient();
        await c.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("test-sensors-pub").Build());
        return c;
    }

    private static Task PublishAsync(IMqttClient c, string topic, byte[] payload) =>
        c.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).Build());

    private static Task PublishAsync(IMqttClient c, string topic, string payload) =>
        PublishAsync(c, topic, Encoding.UTF8.GetBytes(payload));

    [Fact]
    public async Task Lines_take_their_kind_from_the_topic_and_binary_payloads_are_decoded()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var h = await new InputHarness(Config(broker.Port)).StartAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);
        await h.WaitForConnectionAsync("tf", ConnectionState.Connected);
        using var pub = await PublisherAsync(broker.Port);

        // the subscription may land a moment after CONNACK: publish until the first line arrives
        await Eventually.WaitAsync(
            () =>
            {
                PublishAsync(pub, "kavach/sensors/lidar", """{"distance": 42.5, "strength": 1500}""").Wait();
                return h.Count("lidar") > 0;
            },
            "the first lidar line"
        );
        await PublishAsync(pub, "kavach/sensors/radar", """{"range": 80, "speed": 2.5, "snr": 20}""" + "\n");
        await PublishAsync(pub, "kavach/sensors/post-7", """{"sensor": "radar", "range": 81, "speed": 2.5}""");
        var frames = new byte[18];
        TfSeriesEncoder.Encode(frames, 1234, 900, 30);
        TfSeriesEncoder.Encode(frames.AsSpan(9), 1240, 900, 30);
        await PublishAsync(pub, "raw/tf", frames);
        await PublishAsync(pub, "raw/tf", frames[..5]); // a message cut short: counted, not carried over
        await h.WaitForReadingsAsync("radar", 2);
        await h.WaitForReadingsAsync("tf", 2);

        var lidar = h.Readings.First(r => r.Sensor == h.Sensor("lidar").Index);
        Assert.Equal(42.5f, lidar.DistanceM);
        Assert.Equal(new[] { 80f, 81f }, h.Readings.Where(r => r.Sensor == h.Sensor("radar").Index).Select(r => r.RangeM));
        Assert.Equal(12.34f, h.Readings.First(r => r.Sensor == h.Sensor("tf").Index).DistanceM, 3);
        await Eventually.WaitAsync(() => h.Sensor("tf").Rejects(RejectReason.BadLength) == 1, "the cut message counted");
        Assert.Equal(0, h.Sensor("lidar").TotalRejects);
    }

    [Fact]
    public async Task Reconnects_and_resubscribes_after_the_broker_restarts()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var h = await new InputHarness(Config(broker.Port)).StartAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);

        await broker.StopAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Disconnected);
        await broker.RestartAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected, TimeSpan.FromSeconds(15));

        using var pub = await PublisherAsync(broker.Port);
        await Eventually.WaitAsync(
            () =>
            {
                PublishAsync(pub, "kavach/sensors/lidar", """{"distance": 10, "strength": 900}""").Wait();
                return h.Count("lidar") > 0;
            },
            "a line after the broker came back"
        );
        Assert.Equal(1, h.Log.Count(LogLevel.Warning, "lost mqtt 127.0.0.1"));
        Assert.Contains(h.Log.Entries, e => e.Message.Contains("as test-unit-sensors", StringComparison.Ordinal));
    }
}
