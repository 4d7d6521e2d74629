using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Tests.Support;
using Serilog;

namespace Kavach.Edge.Tests.Route;

/// <summary>The Route section: locomotive units only; its files are loaded at start-up and a bad one refuses the start.</summary>
public sealed class RouteConfigTests
{
    internal static string Config(string route, string mode = "locomotive") =>
        $$"""
            {
              "Device": { "Id": "loco-30123-cab", "Mode": "{{mode}}" },
              {{(mode == "locomotive" ? "\"Train\": { \"Class\": \"test train\" }," : "")}}
              "Sensors": [
                { "Name": "lidar", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03",
                  "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
                { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }
                {{(
                mode == "locomotive"
                    ? ", { \"Name\": \"gps\", \"Kind\": \"gnss\", \"Protocol\": \"nmea\", \"Transport\": { \"Type\": \"tcp-client\", \"Host\": \"127.0.0.1\", \"Port\": 10110 } }"
                    : ""
            )}}
              ],
              "Logging": { "File": "" }
              {{route}}
            }
            """;

    [Fact]
    public void A_locomotive_route_section_reads_its_files_and_defaults()
    {
        var o = TestConfig.Valid(Config(""", "Route": { "Files": ["up.csv", "/srv/down.geojson"] }"""));
        Assert.True(o.Route.Present);
        Assert.Equal(["up.csv", "/srv/down.geojson"], o.Route.Files);
        Assert.Equal(500, o.Route.WarnDistanceM);
        Assert.Equal(30, o.Route.WarnTimeS);

        o = TestConfig.Valid(Config(""", "Route": { "Files": ["a.csv"], "WarnDistanceM": 800, "WarnTimeS": 0 }"""));
        Assert.Equal(800, o.Route.WarnDistanceM);
        Assert.Equal(0, o.Route.WarnTimeS);

        Assert.False(TestConfig.Valid(Config("")).Route.Present);
    }

    [Fact]
    public void Trackside_refuses_a_route_section_with_one_line_naming_it()
    {
        var (_, errors) = TestConfig.Bind(Config(""", "Route": { "Files": ["a.csv"], "Bogus": 1 }""", mode: "trackside"));
        var e = Assert.Single(errors);
        Assert.StartsWith("Route: a Route section is for Device.Mode locomotive; this unit is trackside", e);
    }

    [Fact]
    public void Bad_route_keys_each_get_a_line()
    {
        var (_, errors) = TestConfig.Bind(Config(""", "Route": { "WarnDistanceM": 10, "WarnTimeS": -1, "Speed": 3 }"""));
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Route.Files: is required", StringComparison.Ordinal));
        Assert.Contains("Route.WarnDistanceM: must be 50-5000, got 10", errors);
        Assert.Contains("Route.WarnTimeS: must be 0-600, got -1", errors);
        Assert.Contains("Route.Speed: unknown key", errors);

        (_, errors) = TestConfig.Bind(Config(""", "Route": { "Files": "a.csv" }"""));
        Assert.Equal("Route.Files: must be an array of strings ([\"...\", ...])", errors[0]);
    }

    [Fact]
    public void The_daemon_refuses_to_start_on_a_bad_route_file_and_loads_a_good_one()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("bad.csv"), "kind,name,lat,lon,line,direction\nsignal,S1,26.8,80.9,UP,left\n");
        File.Copy(Path.Combine(Repo.Root, "deploy", "route.sample.csv"), dir.File("good.csv"));
        using var log = new LoggerConfiguration().CreateLogger();

        var bad = TestConfig.Valid(Config(""", "Route": { "Files": ["bad.csv"] }"""));
        bad.Route.Files[0] = dir.File("bad.csv"); // TestConfig's options have no file of their own to be relative to
        var e = Assert.Throws<ConfigurationRefusedException>(() => DaemonHost.Build(bad, log, TimeProvider.System));
        Assert.Equal($"Route.Files[0]: {dir.File("bad.csv")} line 2, field direction: must be up, down or both, got 'left'", e.Message);

        var good = TestConfig.Valid(Config(""", "Route": { "Files": ["good.csv"] }"""));
        good.Route.Files[0] = dir.File("good.csv");
        using var host = DaemonHost.Build(good, log, TimeProvider.System);
        var map = (Kavach.Edge.Route.RouteMap?)host.Services.GetService(typeof(Kavach.Edge.Route.RouteMap));
        Assert.NotNull(map);
        Assert.Equal(2, map.Lines.Count);
    }
}
