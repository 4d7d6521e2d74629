using Kavach.Edge.Configuration;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Sensors;

public class SensorConfigTests
{
    private static List<string> Errors(string sensor) => TestConfig.Bind(SensorJson.Config(sensor)).Errors;

    [Theory]
    [InlineData("tf-series", "\"Variant\": \"tf03\", \"CorridorStartDeg\": 10,", "CorridorStartDeg", "ld06")]
    [InlineData("ti-mmwave", "\"MinIntensity\": 10,", "MinIntensity", "ld06")]
    [InlineData("ld06", "\"PositiveIsApproaching\": false,", "PositiveIsApproaching", "ops243")]
    [InlineData("json-lines", "\"SpeedUnit\": \"mph\",", "SpeedUnit", "ops243")]
    [InlineData("ops243", "\"ConfigPort\": \"/dev/ttyACM0\",", "ConfigPort", "ti-mmwave")]
    [InlineData("ld06", "\"ConfigFile\": \"x.cfg\",", "ConfigFile", "ti-mmwave")]
    public void A_protocol_key_is_refused_on_other_protocols_naming_the_key(string protocol, string extra, string key, string owner)
    {
        var kind = protocol is "ti-mmwave" or "ops243" ? "radar" : "lidar";
        var errors = Errors(SensorJson.Listen("s", kind, protocol, extra));
        Assert.Contains($"Sensors[0].{key}: applies to {owner} sensors only", errors);
    }

    [Fact]
    public void Protocol_keys_bind_with_their_defaults_and_values()
    {
        var o = TestConfig.Valid(
            SensorJson.Config(
                SensorJson.Listen("scan", "lidar", "ld06", "\"CorridorStartDeg\": 350, \"CorridorEndDeg\": 10, \"MinIntensity\": 100,")
                    + ","
                    + SensorJson.Listen("doppler", "radar", "ops243", "\"SpeedUnit\": \"km/h\",")
            )
        );
        Assert.Equal(350, o.Sensors[0].CorridorStartDeg);
        Assert.Equal(10, o.Sensors[0].CorridorEndDeg);
        Assert.Equal(100, o.Sensors[0].MinIntensity);
        Assert.True(o.Sensors[1].PositiveIsApproaching);
        Assert.Equal(Ops243SpeedUnit.KilometersPerHour, o.Sensors[1].SpeedUnit);
        Assert.Null(o.Sensors[1].ConfigPort);
    }

    [Theory]
    [InlineData("\"CorridorEndDeg\": 400,", "Sensors[0].CorridorEndDeg: must be 0-360, got 400")]
    [InlineData("\"MinIntensity\": 256,", "Sensors[0].MinIntensity: must be 0-255, got 256")]
    public void Ld06_values_out_of_range_are_refused(string extra, string error) =>
        Assert.Contains(error, Errors(SensorJson.Listen("scan", "lidar", "ld06", extra)));

    [Fact]
    public void Ops243_speed_unit_must_be_known() =>
        Assert.Contains(Errors(SensorJson.Listen("d", "radar", "ops243", "\"SpeedUnit\": \"knots\",")), e =>
            e.StartsWith("Sensors[0].SpeedUnit: must be one of m/s, km/h, mph, ft/s, cm/s", StringComparison.Ordinal)
        );

    [Fact]
    public void Mmwave_config_port_and_file_come_together_and_the_file_must_exist()
    {
        Assert.Contains(
            "Sensors[0].ConfigFile: is required with ConfigPort (the .cfg file of CLI lines to send)",
            Errors(SensorJson.Listen("r", "radar", "ti-mmwave", "\"ConfigPort\": \"/dev/ttyACM0\","))
        );
        Assert.Contains(
            "Sensors[0].ConfigFile: file '/nonexistent/radar.cfg' not found",
            Errors(
                SensorJson.Listen(
                    "r",
                    "radar",
                    "ti-mmwave",
                    "\"ConfigPort\": \"/dev/ttyACM0\", \"ConfigFile\": \"/nonexistent/radar.cfg\","
                )
            )
        );
    }

    [Fact]
    public void Mqtt_sensors_share_a_topic_only_as_json_lines_of_different_kinds()
    {
        static string Mqtt(string name, string kind, string protocol, string topic = "kavach/sensors/#") =>
            $$"""{ "Name": "{{name}}", "Kind": "{{kind}}", "Protocol": "{{protocol}}", {{(protocol == "tf-series" ? "\"Variant\": \"tf03\"," : "")}} "Transport": { "Type": "mqtt", "Topic": "{{topic}}" } }""";
        Assert.Empty(TestConfig.Bind(SensorJson.Config(Mqtt("l", "lidar", "json-lines") + "," + Mqtt("r", "radar", "json-lines"))).Errors);
        Assert.Contains(
            TestConfig.Bind(SensorJson.Config(Mqtt("l", "lidar", "json-lines") + "," + Mqtt("l2", "lidar", "json-lines"))).Errors,
            e =>
                e.StartsWith(
                    "Sensors[1].Transport.Topic: 'kavach/sensors/#' is shared with Sensors[0] of the same Kind",
                    StringComparison.Ordinal
                )
        );
        Assert.Contains(
            TestConfig.Bind(SensorJson.Config(Mqtt("l", "lidar", "tf-series") + "," + Mqtt("r", "radar", "json-lines"))).Errors,
            e => e.Contains("only json-lines sensors may share a topic", StringComparison.Ordinal)
        );
        Assert.Empty(
            TestConfig.Bind(SensorJson.Config(Mqtt("l", "lidar", "tf-series", "raw/lidar") + "," + Mqtt("r", "radar", "json-lines"))).Errors
        );
    }
}
