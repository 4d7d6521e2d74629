using Kavach.Edge.Configuration;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Sensors.Protocols;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Locomotive;

/// <summary>The gnss sensor kind in the configuration: locomotive units only, its own keys, nothing of the others'.</summary>
public sealed class GnssConfigTests
{
    private const string NeedsCab = "Sensors: Device.Mode locomotive needs";

    private static string Config(string gnss, string mode = "locomotive") =>
        $$"""
            {
              "Device": { "Id": "loco-30123-cab", "Mode": "{{mode}}" },
              {{(mode == "locomotive" ? "\"Train\": { \"Class\": \"test train\" }," : "")}}
              "Sensors": [
                { "Name": "lidar", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03",
                  "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
                { "Name": "gps", "Kind": "gnss", "Protocol": "nmea", {{gnss}}
                  "Transport": { "Type": "serial", "Path": "/dev/ttyUSB0", "Baud": 9600 } }
              ],
              "Logging": { "File": "" }
            }
            """;

    /// <summary>The errors other than the locomotive cross-checks (a gnss sensor, a forward sensor of known reach), which some cases below
    /// break on purpose.</summary>
    private static (KavachOptions Options, List<string> Errors) Bind(string json)
    {
        var (o, errors) = TestConfig.Bind(json);
        return (o, errors.Where(e => !e.StartsWith(NeedsCab, StringComparison.Ordinal)).ToList());
    }

    [Fact]
    public void A_gnss_sensor_on_a_locomotive_unit_is_accepted_optional_never_frozen_with_the_tracker_defaults()
    {
        var (o, errors) = Bind(Config(""));
        Assert.Empty(errors);
        var gps = o.Sensors[1];
        Assert.Equal(SensorKind.Gnss, gps.Kind);
        Assert.Same(NmeaProtocol.Entry, gps.Protocol);
        Assert.False(gps.Required); // silence is SpeedTrust.Stale, a named degradation, not FAULT
        Assert.Equal(0, gps.FrozenMs);
        Assert.Equal(2000, gps.TimeoutMs);
        Assert.Equal(new GnssTrustOptions(), NmeaProtocol.TrustOptions(gps));
        Assert.Equal(9600, gps.Transport.Baud);
    }

    [Fact]
    public void The_tracker_thresholds_are_configurable_and_Required_may_be_set_on_purpose()
    {
        var (o, errors) = Bind(
            Config("\"StaleMs\": 2500, \"MinSatellites\": 6, \"MaxHdop\": 2.5, \"Required\": true, \"TimeoutMs\": 3000,")
        );
        Assert.Empty(errors);
        var trust = NmeaProtocol.TrustOptions(o.Sensors[1]);
        Assert.Equal(2500, trust.StaleMs);
        Assert.Equal(6, trust.MinSatellites);
        Assert.Equal(2.5, trust.MaxHdop);
        Assert.True(o.Sensors[1].Required);
        Assert.Equal(3000, o.Sensors[1].TimeoutMs);
    }

    [Fact]
    public void A_trackside_unit_refuses_a_gnss_sensor_naming_the_key_and_the_fix()
    {
        var (_, errors) = TestConfig.Bind(Config("", mode: "trackside"));
        var e = Assert.Single(errors);
        Assert.StartsWith("Sensors[1].Kind: gnss (the train's own speed) is for Device.Mode locomotive; this unit is trackside", e);
        Assert.Contains("set Device.Mode to locomotive, or remove this sensor", e);
    }

    [Theory]
    [InlineData("\"MaxRangeM\": 100,", "Sensors[1].MaxRangeM: applies to lidar sensors only")]
    [InlineData("\"MinStrength\": 40,", "Sensors[1].MinStrength: applies to lidar sensors only")]
    [InlineData("\"MaxStrength\": 3500,", "Sensors[1].MaxStrength: applies to lidar sensors only")]
    [InlineData("\"BaselineStrength\": 2000,", "Sensors[1].BaselineStrength: applies to lidar sensors only")]
    [InlineData("\"BaselineRangeM\": 60,", "Sensors[1].BaselineRangeM: applies to lidar sensors only")]
    [InlineData("\"FullScaleM\": 2000,", "Sensors[1].FullScaleM: applies to camera sensors only")]
    [InlineData("\"FrozenMs\": 5000,", "Sensors[1].FrozenMs: does not apply to gnss sensors")]
    [InlineData("\"Variant\": \"tf03\",", "Sensors[1].Variant: applies to tf-series sensors only")]
    [InlineData("\"MinSnrDb\": 10,", "Sensors[1].MinSnrDb: applies to ti-mmwave sensors only")]
    [InlineData("\"SpeedUnit\": \"km/h\",", "Sensors[1].SpeedUnit: applies to ops243 sensors only")]
    [InlineData("\"StaleMs\": 50,", "Sensors[1].StaleMs: must be 100-60000, got 50")]
    [InlineData("\"MinSatellites\": 100,", "Sensors[1].MinSatellites: must be 0-99, got 100")]
    [InlineData("\"MaxHdop\": 0,", "Sensors[1].MaxHdop: must be 0.5-100")]
    public void Keys_that_make_no_sense_for_gnss_and_thresholds_out_of_range_are_refused_naming_the_key(string key, string expected)
    {
        var (_, errors) = Bind(Config(key));
        var e = Assert.Single(errors);
        Assert.StartsWith(expected, e);
    }

    [Fact]
    public void The_tracker_keys_belong_to_nmea_and_nmea_carries_gnss_only()
    {
        var json = Config("").Replace("\"Variant\": \"tf03\",", "\"Variant\": \"tf03\", \"StaleMs\": 1500,");
        var (_, errors) = Bind(json);
        Assert.Equal("Sensors[0].StaleMs: applies to nmea sensors only", Assert.Single(errors));

        (_, errors) = Bind(Config("").Replace("\"Protocol\": \"nmea\",", "\"Protocol\": \"json-lines\","));
        Assert.StartsWith(
            "Sensors[1].Protocol: 'json-lines' is a lidar or radar or camera protocol, but Kind is gnss",
            Assert.Single(errors)
        );

        (_, errors) = Bind(
            Config("").Replace("\"Protocol\": \"tf-series\"", "\"Protocol\": \"nmea\"").Replace("\"Variant\": \"tf03\",", "")
        );
        Assert.StartsWith("Sensors[0].Protocol: 'nmea' is a gnss protocol, but Kind is lidar", Assert.Single(errors));
    }

    [Fact]
    public void A_locomotive_configuration_with_a_gnss_sensor_and_a_lidar_of_known_reach_is_accepted_and_without_them_refused()
    {
        Assert.Empty(TestConfig.Bind(Config("")).Errors);

        var noGnss = Config("").Replace("\"Kind\": \"gnss\", \"Protocol\": \"nmea\",", "\"Kind\": \"radar\", \"Protocol\": \"ops243\",");
        var errors = TestConfig.Bind(noGnss).Errors;
        Assert.Contains(
            "Sensors: Device.Mode locomotive needs a gnss sensor (Kind gnss, Protocol nmea) for the train's own speed (docs/locomotive.md)",
            errors
        );

        var noReach = Config("").Replace("\"Variant\": \"tf03\",", "\"Variant\": \"tf03\", \"MaxRangeM\": 0,");
        errors = TestConfig.Bind(noReach).Errors;
        Assert.StartsWith(
            "Sensors: Device.Mode locomotive needs a lidar or radar sensor with a known reach (MaxRangeM)",
            Assert.Single(errors)
        );
    }
}
