using System.Net;
using Kavach.Edge.Configuration;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Configuration;

/// <summary>AllowedClients, MaxClients and the mqtt sensor transport's TLS/credential keys: defaults and refusals.</summary>
public class TransportGuardConfigTests
{
    [Fact]
    public void Tcp_listen_defaults_to_loopback_clients_only_and_one_client_per_sensor()
    {
        var t = TestConfig.Valid().Sensors[0].Transport;
        Assert.Equal(1, t.MaxClients);
        Assert.True(t.AllowedClients.Allows(IPAddress.Parse("127.0.0.1")));
        Assert.True(t.AllowedClients.Allows(IPAddress.Parse("127.9.9.9")));
        Assert.True(t.AllowedClients.Allows(IPAddress.IPv6Loopback));
        Assert.True(t.AllowedClients.Allows(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(t.AllowedClients.Allows(IPAddress.Parse("192.168.10.21")));
        Assert.False(t.AllowedClients.Allows(IPAddress.Parse("fd00::7")));
    }

    [Fact]
    public void Entries_match_addresses_and_blocks_of_both_families()
    {
        var o = TestConfig.Valid(
            TestConfig.Minimal,
            new Dictionary<string, string?>
            {
                ["Sensors:0:Transport:AllowedClients:0"] = "192.168.10.21",
                ["Sensors:0:Transport:AllowedClients:1"] = "10.20.0.0/16",
                ["Sensors:0:Transport:AllowedClients:2"] = "fd00:1::/64",
                ["Sensors:0:Transport:AllowedClients:3"] = "::ffff:172.16.0.9",
            }
        );
        var a = o.Sensors[0].Transport.AllowedClients;
        Assert.True(a.Allows(IPAddress.Parse("192.168.10.21")));
        Assert.True(a.Allows(IPAddress.Parse("::ffff:192.168.10.21"))); // a dual-stack socket's view of an IPv4 client
        Assert.False(a.Allows(IPAddress.Parse("192.168.10.22")));
        Assert.True(a.Allows(IPAddress.Parse("10.20.255.1")));
        Assert.False(a.Allows(IPAddress.Parse("10.21.0.1")));
        Assert.True(a.Allows(IPAddress.Parse("fd00:1::abcd")));
        Assert.False(a.Allows(IPAddress.Parse("fd00:2::1")));
        Assert.True(a.Allows(IPAddress.Parse("172.16.0.9"))); // a mapped entry is its IPv4 address
        Assert.False(a.Allows(IPAddress.Loopback)); // an explicit list replaces the loopback default
    }

    [Theory]
    [InlineData("Sensors:0:Transport:AllowedClients:0", "10.0.0.1/8", "Sensors[0].Transport.AllowedClients[0]", "did you mean 10.0.0.0/8")]
    [InlineData(
        "Sensors:0:Transport:AllowedClients:0",
        "10.0.0.0/33",
        "Sensors[0].Transport.AllowedClients[0]",
        "prefix length must be 0-32"
    )]
    [InlineData(
        "Sensors:0:Transport:AllowedClients:0",
        "sensor.local",
        "Sensors[0].Transport.AllowedClients[0]",
        "not an IP address or CIDR block"
    )]
    [InlineData("Sensors:0:Transport:AllowedClients:0", "fd00::1/64", "Sensors[0].Transport.AllowedClients[0]", "did you mean fd00::/64")]
    [InlineData("Sensors:0:Transport:AllowedClients", "10.0.0.1", "Sensors[0].Transport.AllowedClients", "must be an array")]
    [InlineData("Sensors:0:Transport:MaxClients", "0", "Sensors[0].Transport.MaxClients", "must be 1-64")]
    [InlineData("Sensors:0:Transport:Tls", "true", "Sensors[0].Transport.Tls", "not a key of a tcp-listen transport")]
    public void A_bad_value_is_refused_naming_its_key(string key, string value, string path, string words)
    {
        var (_, errors) = TestConfig.Bind(TestConfig.Minimal, new Dictionary<string, string?> { [key] = value });
        var line = Assert.Single(errors, e => e.StartsWith(path + ":", StringComparison.Ordinal));
        Assert.Contains(words, line);
    }

    [Fact]
    public void AllowedClients_is_refused_on_other_transports()
    {
        var json = TestConfig.Minimal.Replace(
            """{ "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 },""",
            """{ "Type": "tcp-client", "Host": "127.0.0.1", "Port": 9000, "AllowedClients": ["127.0.0.1"] },"""
        );
        var (_, errors) = TestConfig.Bind(json);
        Assert.Contains(errors, e =>
            e.StartsWith("Sensors[0].Transport.AllowedClients: is not a key of a tcp-client transport", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void Sensors_sharing_a_port_must_allow_the_same_clients()
    {
        var json = """
            { "Device": { "Id": "t" }, "Logging": { "File": "" }, "Sensors": [
              { "Name": "l", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Port": 9000, "AllowedClients": ["10.0.0.5"] } },
              { "Name": "r", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Port": 9000 } } ] }
            """;
        var (_, errors) = TestConfig.Bind(json);
        Assert.Contains(errors, e =>
            e.StartsWith(
                "Sensors[1].Transport.AllowedClients: sensors sharing port 9000 must allow the same clients as Sensors[0] (10.0.0.5/32)",
                StringComparison.Ordinal
            )
        );
    }

    [Fact]
    public void Mqtt_sensors_take_the_uplinks_tls_and_credential_keys_with_its_checks()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("ca.crt"), "");
        dir.Secret("pw", "secret\n");
        string Sensor(string name, string kind, string extra) =>
            $$"""{ "Name": "{{name}}", "Kind": "{{kind}}", "Transport": { "Type": "mqtt", "Port": 8883, {{extra}} } }""";
        string Json(string a, string b) => $$"""{ "Device": { "Id": "t" }, "Logging": { "File": "" }, "Sensors": [ {{a}}, {{b}} ] }""";
        var good = $"\"Tls\": true, \"CaFile\": \"{dir.File("ca.crt")}\", \"Username\": \"post\", \"PasswordFile\": \"{dir.File("pw")}\"";

        var o = TestConfig.Valid(Json(Sensor("l", "lidar", good), Sensor("r", "radar", good)));
        Assert.True(o.Sensors[0].Transport.Tls);
        Assert.Equal("post", o.Sensors[1].Transport.Username);

        var (_, errors) = TestConfig.Bind(
            Json(
                Sensor("l", "lidar", good),
                Sensor("r", "radar", "\"Tls\": true, \"CaFile\": \"/nonexistent/ca.crt\", \"PasswordFile\": \"" + dir.File("pw") + "\"")
            )
        );
        Assert.Contains(errors, e => e == "Sensors[1].Transport.CaFile: file not found: /nonexistent/ca.crt");
        Assert.Contains(errors, e => e == "Sensors[1].Transport.PasswordFile: needs a Username");
        Assert.Contains(errors, e =>
            e.StartsWith("Sensors[1].Transport: sensors on broker 127.0.0.1:8883 share one client", StringComparison.Ordinal)
        );
    }
}
