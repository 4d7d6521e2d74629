using System.Text;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Edge.Tests.Uplink;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>The mqtt sensor input with the uplink's TLS and credential keys, against a real mosquitto with TLS and a password
/// file.</summary>
public class MqttSecureTransportTests
{
    private static string Config(int port, string caFile, string passwordFile) =>
        SensorJson.Config(
            $$"""
            { "Name": "lidar", "Kind": "lidar", "Transport": { "Type": "mqtt", "Host": "127.0.0.1", "Port": {{port}},
              "Tls": true, "CaFile": "{{caFile}}", "Username": "post-7", "PasswordFile": "{{passwordFile}}" } }
            """
        );

    [Fact]
    public async Task Tls_and_a_password_file_connect_and_a_wrong_password_or_ca_is_named()
    {
        using var pki = Repo.NewTempDir();
        TestPki.Make(pki.Path, "ca", "server");
        TestPki.Make(pki.Path, "other-ca", null);
        var passwd = pki.File("passwd");
        UplinkTests.Run("mosquitto_passwd", "-b", "-c", passwd, "post-7", "right-password");
        await using var broker = await MosquittoProcess.StartAsync(
            [
                $"cafile {pki.File("ca.crt")}",
                $"certfile {pki.File("server.crt")}",
                $"keyfile {pki.File("server.key")}",
                "tls_version tlsv1.2",
                $"password_file {passwd}",
            ],
            allowAnonymous: false
        );
        var pw = pki.Secret("pw", "wrong-password\n");

        await using (var wrongCa = await new InputHarness(Config(broker.Port, pki.File("other-ca.crt"), pw)).StartAsync())
            await Wait.UntilAsync(
                () => wrongCa.Log.Count(LogLevel.Warning, "TLS failed") == 1,
                () => "a TLS refusal; log: " + string.Join(" / ", wrongCa.Log.Entries.Select(e => e.Message))
            );

        await using var h = await new InputHarness(Config(broker.Port, pki.File("ca.crt"), pw)).StartAsync();
        await Wait.UntilAsync(
            () => h.Log.Count(LogLevel.Warning, "the broker refused our credentials") == 1,
            () => "a credentials refusal; log: " + string.Join(" / ", h.Log.Entries.Select(e => e.Message))
        );
        Assert.Contains(h.Log.Entries, e =>
            e.Message.Contains("check Transport.Username and Transport.PasswordFile", StringComparison.Ordinal)
        );

        // fixing the file is enough: it is read on every connect
        await File.WriteAllTextAsync(pw, "right-password\n");
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected, TimeSpan.FromSeconds(15));
        Assert.Contains(h.Log.Entries, e => e.Message.Contains("connected to mqtts 127.0.0.1", StringComparison.Ordinal));

        using var pub = new MqttClientFactory().CreateMqttClient();
        await pub.ConnectAsync(
            new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", broker.Port)
                .WithClientId("test-sensors-pub")
                .WithCredentials("post-7", "right-password")
                .WithTlsOptions(t => t.UseTls().WithTargetHost("127.0.0.1").WithCertificateValidationHandler(_ => true))
                .Build()
        );
        await Eventually.WaitAsync(
            () =>
            {
                pub.PublishAsync(
                        new MqttApplicationMessageBuilder()
                            .WithTopic("kavach/sensors/lidar")
                            .WithPayload(Encoding.UTF8.GetBytes("""{"distance": 42.5, "strength": 1500}"""))
                            .Build()
                    )
                    .Wait();
                return h.Count("lidar") > 0;
            },
            "a reading over TLS"
        );
    }
}
