using Kavach.Protocols;
using Xunit;

namespace Kavach.Simulation.Tests;

public sealed class ScenarioTests
{
    public static TheoryData<string> BuiltIns() => [.. Scenario.BuiltInNames];

    [Fact]
    public void The_required_scenarios_are_built_in()
    {
        Assert.Equal(
            [
                "clear",
                "demo",
                "faults",
                "fog-only",
                "loco-clear-run",
                "loco-curve-trackside",
                "loco-fog-run",
                "loco-route-down",
                "loco-route-up-amritvan",
                "loco-route-up-saptagiri",
                "loco-stalled-vehicle",
                "loco-tunnel-gnss-loss",
                "radar-only-obstacle",
                "stalled-car",
            ],
            Scenario.BuiltInNames
        );
    }

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void Every_built_in_scenario_parses_and_names_itself(string name)
    {
        var s = Scenario.BuiltIn(name);
        Assert.Equal(name, s.Name);
        Assert.Same(s.GetType(), Scenario.BuiltIn(name + ".json").GetType());
        Assert.All(s.Sensors, x => _ = new SimSensor(x, s.Seed));
    }

    [Fact]
    public void Demo_has_the_shape_the_daemon_demo_needs()
    {
        var s = Scenario.BuiltIn("demo");
        Assert.InRange(s.DurationS, 45, 50);
        Assert.Equal(150, s.ProtectedZoneM);
        Assert.Equal(SensorKind.Lidar, s.Sensor("lidar").Kind);
        Assert.Equal(100, s.Sensor("lidar").RateHz);
        Assert.Equal(SensorKind.Radar, s.Sensor("radar").Kind);
        Assert.Equal(20, s.Sensor("radar").RateHz);
        Assert.Equal(SimProtocol.JsonLines, s.Sensor("camera").Protocol);
        Assert.Equal(1, s.Sensor("camera").RateHz);

        var w = new World(s);
        w.AdvanceTo(4);
        Assert.True(w.VisibilityM >= 5000);
        w.AdvanceTo(18);
        Assert.InRange(w.VisibilityM, 200, 500);
        for (var t = 33.0; t <= 34; t += 0.5)
        {
            w.AdvanceTo(t);
            Assert.True(w.ObstaclePresent && w.ObstacleRangeM < 150 && w.VisibilityM <= 100);
        }
        w.AdvanceTo(46);
        Assert.False(w.ObstaclePresent);
        Assert.True(w.VisibilityM >= 5000);
    }

    private const string Minimal = """
        { "name": "m", "durationS": 5,
          "sensors": [ { "name": "lidar", "kind": "lidar", "rateHz": 10 } ],
          "timeline": [ { "tS": 0, "visibilityM": 1000 } ] }
        """;

    [Fact]
    public void A_minimal_scenario_takes_the_defaults()
    {
        var s = Scenario.Parse(Minimal);
        Assert.Equal(SimProtocol.JsonLines, s.Sensors[0].Protocol);
        Assert.Equal(SensorVariant.Tf03, s.Sensors[0].EffectiveVariant);
        Assert.Null(s.Background);
        Assert.Equal(1UL, s.Seed);
    }

    [Theory]
    [InlineData("\"durationS\": 5", "\"durationS\": \"five\"", "durationS")]
    [InlineData("\"durationS\": 5", "\"duration\": 5", "duration")]
    [InlineData("\"rateHz\": 10", "\"rateHz\": 0", "sensors[0].rateHz")]
    [InlineData("\"rateHz\": 10", "\"rate\": 10", "sensors[0].rate")]
    [InlineData("\"kind\": \"lidar\"", "\"kind\": \"sonar\"", "sensors[0].kind")]
    [InlineData("\"rateHz\": 10", "\"rateHz\": 10, \"protocol\": \"ti-mmwave\"", "sensors[0].protocol")]
    [InlineData("\"rateHz\": 10", "\"rateHz\": 10, \"protocol\": \"can-bus\"", "sensors[0].protocol")]
    [InlineData("\"rateHz\": 10", "\"rateHz\": 10, \"variant\": \"awr1843\"", "sensors[0].variant")]
    [InlineData(
        "\"rateHz\": 10",
        "\"rateHz\": 10, \"faults\": [ { \"type\": \"melted\", \"fromS\": 1, \"toS\": 2 } ]",
        "sensors[0].faults[0].type"
    )]
    [InlineData(
        "\"rateHz\": 10",
        "\"rateHz\": 10, \"faults\": [ { \"type\": \"stuck\", \"fromS\": 3, \"toS\": 2 } ]",
        "sensors[0].faults[0].toS"
    )]
    [InlineData("\"visibilityM\": 1000", "\"visibilityM\": -1", "timeline[0].visibilityM")]
    [InlineData("\"visibilityM\": 1000", "\"visibiltyM\": 1000", "timeline[0].visibiltyM")]
    [InlineData(
        "{ \"tS\": 0, \"visibilityM\": 1000 }",
        "{ \"tS\": 2, \"visibilityM\": 1000 }, { \"tS\": 1, \"visibilityM\": 1000 }",
        "timeline[1].tS"
    )]
    [InlineData(
        "{ \"tS\": 0, \"visibilityM\": 1000 }",
        "{ \"tS\": 0, \"visibilityM\": 1000, \"obstacle\": { \"rangeM\": 100, \"closingSpeedMps\": 30 } }, { \"tS\": 10, \"visibilityM\": 1000, \"obstacle\": { \"rangeM\": 50 } }",
        "timeline[0].obstacle.closingSpeedMps"
    )]
    [InlineData(
        "{ \"tS\": 0, \"visibilityM\": 1000 }",
        "{ \"tS\": 0, \"visibilityM\": 1000, \"obstacle\": { } }",
        "timeline[0].obstacle.rangeM"
    )]
    [InlineData(
        "\"sensors\": [ { \"name\": \"lidar\", \"kind\": \"lidar\", \"rateHz\": 10 } ]",
        "\"sensors\": [ { \"name\": \"lidar\", \"kind\": \"lidar\", \"rateHz\": 10 }, { \"name\": \"lidar\", \"kind\": \"radar\", \"rateHz\": 10 } ]",
        "sensors[1].name"
    )]
    [InlineData("\"name\": \"m\",", "", "name")]
    public void A_bad_scenario_names_the_key(string find, string replace, string key)
    {
        Assert.Contains(find, Minimal);
        var e = Assert.Throws<ScenarioException>(() => Scenario.Parse(Minimal.Replace(find, replace), "bad.json"));
        Assert.StartsWith("bad.json: ", e.Message);
        Assert.Contains(key, e.Message);
    }

    private const string MinimalLoco = """
        { "name": "l", "durationS": 5, "platform": "locomotive",
          "train": { "speedProfile": [ { "tS": 0, "speedKmh": 40 } ], "track": [ { "lengthM": 500, "radiusM": 600, "direction": "left" } ],
                     "start": { "latitudeDeg": 28, "longitudeDeg": 77, "courseDeg": 0 } },
          "objects": [ { "atM": 100 }, { "atM": 10, "everyM": 10, "untilM": 50, "lateralM": 3.5 } ],
          "sensors": [ { "name": "gnss", "kind": "gnss", "protocol": "nmea", "rateHz": 1 } ],
          "timeline": [ { "tS": 0, "visibilityM": 1000 } ] }
        """;

    [Fact]
    public void A_minimal_locomotive_scenario_takes_the_defaults_and_expands_rows()
    {
        var s = Scenario.Parse(MinimalLoco);
        Assert.Equal(Platform.Locomotive, s.Platform);
        Assert.Equal(6, s.Objects.Count); // one object and a row of five
        Assert.Equal([100.0, 10, 20, 30, 40, 50], s.Objects.Select(o => o.AtM));
        Assert.Equal(2.0, s.Train!.CorridorHalfWidthM);
        Assert.Equal(new DateTime(2026, 1, 15, 6, 30, 0, DateTimeKind.Utc), s.Train.Start.Utc);
        Assert.Equal(SensorVariant.Ublox, s.Sensors[0].EffectiveVariant);
        Assert.Equal(NmeaTalker.Combined, s.Sensors[0].Talker);
    }

    [Theory]
    [InlineData("\"platform\": \"locomotive\"", "\"platform\": \"hovercraft\"", "platform")]
    [InlineData("\"platform\": \"locomotive\"", "\"platform\": \"trackside\"", "train: only for")]
    [InlineData("\"speedKmh\": 40", "\"speedKmh\": 400", "train.speedProfile[0].speedKmh")]
    [InlineData("\"speedKmh\": 40", "\"speed\": 40", "train.speedProfile[0].speed")]
    [InlineData(", \"direction\": \"left\"", "", "train.track[0].direction")]
    [InlineData("\"direction\": \"left\"", "\"direction\": \"up\"", "train.track[0].direction")]
    [InlineData("\"radiusM\": 600", "\"radiusM\": 20", "train.track[0].radiusM")]
    [InlineData("\"courseDeg\": 0 }", "\"courseDeg\": 0, \"utc\": \"yesterday\" }", "train.start.utc")]
    [InlineData(", \"courseDeg\": 0", "", "train.start.courseDeg")]
    [InlineData("{ \"atM\": 100 }", "{ \"lateralM\": 1 }", "objects[0].atM")]
    [InlineData("{ \"atM\": 100 }", "{ \"atM\": 100, \"reflectivity\": 2 }", "objects[0].reflectivity")]
    [InlineData("\"untilM\": 50", "\"untilM\": 5", "objects[1].untilM")]
    [InlineData("\"rateHz\": 1 }", "\"rateHz\": 20 }", "sensors[0].rateHz")]
    [InlineData("\"rateHz\": 1 }", "\"rateHz\": 1, \"talker\": \"xx\" }", "sensors[0].talker")]
    [InlineData("\"protocol\": \"nmea\"", "\"protocol\": \"tf-series\"", "sensors[0].protocol")]
    [InlineData(
        "\"timeline\": [ { \"tS\": 0, \"visibilityM\": 1000 } ]",
        "\"timeline\": [ { \"tS\": 0, \"visibilityM\": 1000, \"obstacle\": { \"rangeM\": 50 } } ]",
        "timeline[0].obstacle"
    )]
    [InlineData("\"durationS\": 5,", "\"durationS\": 5, \"background\": { \"rangeM\": 95 },", "background")]
    [InlineData(
        "\"rateHz\": 1 }",
        "\"rateHz\": 1 }, { \"name\": \"l\", \"kind\": \"lidar\", \"rateHz\": 10, \"faults\": [ { \"type\": \"no-fix\", \"fromS\": 1, \"toS\": 2 } ] }",
        "sensors[1].faults[0].type"
    )]
    [InlineData(
        "\"rateHz\": 1 }",
        "\"rateHz\": 1 }, { \"name\": \"l\", \"kind\": \"lidar\", \"protocol\": \"ld06\", \"rateHz\": 375 }",
        "sensors[1].protocol"
    )]
    public void A_bad_locomotive_scenario_names_the_key(string find, string replace, string key)
    {
        Assert.Contains(find, MinimalLoco);
        var e = Assert.Throws<ScenarioException>(() => Scenario.Parse(MinimalLoco.Replace(find, replace), "bad.json"));
        Assert.StartsWith("bad.json: ", e.Message);
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void A_gnss_receiver_on_a_trackside_post_is_refused()
    {
        var json = Minimal.Replace("\"kind\": \"lidar\", \"rateHz\": 10", "\"kind\": \"gnss\", \"protocol\": \"nmea\", \"rateHz\": 1");
        Assert.Contains("sensors[0].kind: a gnss receiver needs", Assert.Throws<ScenarioException>(() => Scenario.Parse(json)).Message);
    }

    [Fact]
    public void Malformed_json_is_a_scenario_error()
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario.Parse("{ \"name\": ", "x.json"));
        Assert.StartsWith("x.json: ", e.Message);
    }

    [Fact]
    public void Load_and_built_in_report_missing_scenarios()
    {
        Assert.Contains("/nonexistent/s.json", Assert.Throws<ScenarioException>(() => Scenario.Load("/nonexistent/s.json")).Message);
        Assert.Contains("demo", Assert.Throws<ScenarioException>(() => Scenario.BuiltIn("nope")).Message);
    }

    [Fact]
    public void Load_reads_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kavach-sim-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Minimal);
        try
        {
            Assert.Equal("m", Scenario.Load(path).Name);
            Assert.Equal("m", Scenario.LoadOrBuiltIn(path).Name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
