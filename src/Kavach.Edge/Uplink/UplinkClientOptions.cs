using Kavach.Edge.Configuration;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kavach.Edge.Uplink;

/// <summary>
/// Builds the MQTT 5 client options from <see cref="UplinkOptions"/>: client id = Device.Id, persistent
/// session (clean start off, session expiry &gt; 0), a retained offline will on the status topic, TLS with
/// the configured CA (chain and host name checked), optional client certificate, password from a file
/// (<see cref="MqttSecurity"/>, shared with the sensor network's mqtt input).
/// </summary>
public static class UplinkClientOptions
{
    public static MqttClientOptions Build(KavachOptions options, Topics topics, string instance)
    {
        var o = options.Uplink;
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(options.Device.Id)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)o.SessionExpiryS)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(o.KeepAliveS))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(topics.Status)
            .WithWillPayload(UplinkJson.Offline(instance))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillContentType("application/json");
        b = MqttSecurity.Apply(b, o, o.Host);
        return b.Build();
    }
}
