using Kavach.Protocols;
using Xunit;

namespace Kavach.Simulation.Tests;

/// <summary>A locomotive scenario that drives a route file's line (<c>train.route</c>): the sample route read as the daemon
/// reads it, the train on the line point to point, up and down, the GNSS fixes along it, and the refusals.</summary>
public sealed class RouteTrackTests
{
    private static readonly string Sample = Scenario.BuiltInRoute("route.sample.csv")!;

    private static RouteLine Line(string id)
    {
        var errors = new List<string>();
        var line = RouteLine.FromCsv(Sample, "route.sample.csv", id, errors);
        Assert.Empty(errors);
        return line!;
    }

    [Fact]
    public void The_sample_route_is_embedded_and_its_chainage_follows_its_kilometre_posts()
    {
        Assert.Contains("route.sample.csv", Scenario.BuiltInRoutes);
        Assert.Equal(File.ReadAllText(Path.Combine(RepoRoot(), "deploy", "route.sample.csv")), Sample);
        var up = Line("UP-MAIN");
        Assert.Equal(26, up.Count); // 12 landmarks and 14 track points
        // the straight's posts are 100 m apart along the chainage: D1 at km 112.8 is 800 m from km 112.0
        Assert.Equal(800, up.ChainageM(1), 0.1);
        Assert.Equal(3800, up.ChainageM(6), 0.1);
        Assert.Equal(9999.3, up.LengthM, 0.1); // the curve's chords are a little shorter than its arc
        Assert.Equal(10030.7, Line("DN-MAIN").LengthM, 0.1);
    }

    [Fact]
    public void The_train_runs_on_the_line_point_to_point_and_the_truth_is_the_route_chainage()
    {
        var s = Scenario.BuiltIn("loco-route-up-amritvan");
        var up = s.Train!.Route!.Geometry;
        Assert.Equal(RouteTravel.Up, s.Train.Route.Direction);
        Assert.Equal(26.8, s.Train.Start.LatitudeDeg, 9);
        Assert.Equal(80.9, s.Train.Start.LongitudeDeg, 9);
        Assert.Equal(90, s.Train.Start.CourseDeg, 3); // east along the straight
        var w = new World(s);
        // 60 km/h for 18 s: 300 m, on the straight (latitude 26.8 exactly), between km 112.0 and D1
        w.AdvanceTo(18);
        Assert.Equal(300, w.RouteChainageM, 6);
        Assert.Equal(300, w.TrainDistanceM, 6);
        var (lat, lon) = w.CabPosition;
        Assert.Equal(26.8, lat, 9);
        Assert.Equal(80.9 + (up.LongitudeDeg(1) - 80.9) * 300 / up.ChainageM(1), lon, 9);
        Assert.Contains("\"routeChainageM\":300", w.State.ToJsonLine());

        // every second of the run: the cab is on the segment its chainage names, at that fraction of it
        for (var t = 0.0; t <= s.DurationS; t += 1)
        {
            w.AdvanceTo(t);
            var (seg, f) = up.Locate(w.RouteChainageM);
            var p = w.CabPosition;
            Assert.Equal(up.LatitudeDeg(seg) + f * (up.LatitudeDeg(seg + 1) - up.LatitudeDeg(seg)), p.LatitudeDeg, 9);
            Assert.Equal(up.LongitudeDeg(seg) + f * (up.LongitudeDeg(seg + 1) - up.LongitudeDeg(seg)), p.LongitudeDeg, 9);
        }
    }

    [Fact]
    public void In_the_curve_the_course_turns_left_going_up_and_right_going_down()
    {
        var up = Scenario.BuiltIn("loco-route-up-saptagiri");
        var w = new World(up);
        w.AdvanceTo(0); // km 116.4, in the 1200 m left-hand curve
        Assert.Equal(-1.0 / 1200, w.TrackCurvaturePerM, 1.0 / 12000);
        var before = w.CabPose.CourseDeg;
        w.AdvanceTo(10); // 375 m on
        Assert.InRange(before - w.CabPose.CourseDeg, 10, 25); // ~375/1200 rad = 18°, in 100 m chords
        w.AdvanceTo(60); // on the straight to Saptagiri Road: north-east
        Assert.Equal(0, w.TrackCurvaturePerM, 1e-6); // the rows' seventh decimal: a turn of nanoradians
        Assert.InRange(w.CabPose.CourseDeg, 40, 50);

        var down = new World(Scenario.BuiltIn("loco-route-down"));
        down.AdvanceTo(0);
        Assert.InRange(down.CabPose.CourseDeg, 220, 230); // south-west, against the file's order
        Assert.Equal(8200, down.RouteChainageM, 6);
        down.AdvanceTo(60);
        Assert.Equal(8200 - 2000, down.RouteChainageM, 6); // 120 km/h for 60 s
    }

    [Fact]
    public void The_gnss_fixes_lie_along_the_line_within_their_noise()
    {
        var s = Scenario.BuiltIn("loco-route-up-saptagiri");
        var up = s.Train!.Route!.Geometry;
        var gnss = new SimSensor(s.Sensor("gnss"), s.Seed);
        var w = new World(s);
        var (mLat, mLon) = RouteLine.MetresPerDegree(26.81);
        var worst = 0.0;
        for (var t = 0.0; t < 50; t += 0.2) // up to the silence at 55 s
        {
            w.AdvanceTo(t);
            var x = gnss.Sample(w);
            Assert.True(x.GnssFix);
            // distance from the fix to the nearest segment of the line, in a local metric frame
            var best = double.PositiveInfinity;
            for (var i = 0; i + 1 < up.Count; i++)
            {
                double Px(int k) => (up.LongitudeDeg(k) - x.LongitudeDeg) * mLon;
                double Py(int k) => (up.LatitudeDeg(k) - x.LatitudeDeg) * mLat;
                var (ax, ay, bx, by) = (Px(i), Py(i), Px(i + 1), Py(i + 1));
                var len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
                var u = Math.Clamp(-(ax * (bx - ax) + ay * (by - ay)) / len2, 0, 1);
                best = Math.Min(best, Math.Sqrt(Math.Pow(ax + u * (bx - ax), 2) + Math.Pow(ay + u * (by - ay), 2)));
            }
            worst = Math.Max(worst, best);
        }
        Assert.InRange(worst, 0.5, 10); // the receiver's 2 m wandering error, never the other line 40 m away
    }

    [Theory]
    [InlineData(
        "\"route\": { \"file\": \"route.sample.csv\", \"line\": \"UP-MAIN\" }, \"track\": [ { \"lengthM\": 100 } ]",
        "train.track: not used with train.route"
    )]
    [InlineData(
        "\"route\": { \"file\": \"route.sample.csv\", \"line\": \"UP-MAIN\" }, \"start\": { \"latitudeDeg\": 26.8 }",
        "train.start: with train.route the position and course come from the route"
    )]
    [InlineData(
        "\"route\": { \"file\": \"route.sample.csv\", \"line\": \"MID-MAIN\" }",
        "line 'MID-MAIN' has 0 points, a line needs at least two (lines in the file: DN-MAIN, UP-MAIN)"
    )]
    [InlineData(
        "\"route\": { \"file\": \"route.sample.csv\", \"line\": \"UP-MAIN\", \"startM\": 12000 }",
        "train.route.startM: 12000 must be 0-9999.3"
    )]
    [InlineData(
        "\"route\": { \"file\": \"route.sample.csv\", \"line\": \"UP-MAIN\", \"direction\": \"east\" }",
        "train.route.direction: 'east' is not one of up, down"
    )]
    [InlineData("\"route\": { \"file\": \"nowhere.csv\", \"line\": \"UP-MAIN\" }", "train.route.file: 'nowhere.csv' not found in")]
    [InlineData("\"route\": { \"file\": \"route.sample.geojson\", \"line\": \"UP-MAIN\" }", "the simulator reads the CSV form of a route")]
    [InlineData("\"route\": { \"line\": \"UP-MAIN\" }", "train.route.file: required")]
    public void A_bad_route_key_is_refused_naming_it(string train, string expected)
    {
        var json = $$"""
            { "name": "r", "platform": "locomotive", "durationS": 10,
              "train": { "speedProfile": [ { "tS": 0, "speedKmh": 60 } ], {{train}} },
              "sensors": [ { "name": "gnss", "kind": "gnss", "protocol": "nmea", "rateHz": 1 } ],
              "timeline": [ { "tS": 0, "visibilityM": 300 } ] }
            """;
        var e = Assert.Throws<ScenarioException>(() => Scenario.Parse(json, "r.json"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_scenario_file_reads_its_route_beside_it_and_a_bad_row_is_named()
    {
        var dir = Directory.CreateTempSubdirectory("kavach-route-");
        try
        {
            File.WriteAllText(
                Path.Combine(dir.FullName, "line.csv"),
                "kind,name,lat,lon,line,direction\ntrack,,28.0,77.0,L1,both\nsignal,S1,28.0,77.01,L1,up\n"
            );
            var scenario = Path.Combine(dir.FullName, "s.json");
            File.WriteAllText(
                scenario,
                """
                { "name": "s", "platform": "locomotive", "durationS": 10,
                  "train": { "speedProfile": [ { "tS": 0, "speedKmh": 36 } ], "route": { "file": "line.csv", "line": "L1", "direction": "down", "startM": 900 } },
                  "sensors": [ { "name": "gnss", "kind": "gnss", "protocol": "nmea", "rateHz": 1 } ],
                  "timeline": [ { "tS": 0, "visibilityM": 300 } ] }
                """
            );
            var s = Scenario.Load(scenario);
            Assert.Equal(270, s.Train!.Start.CourseDeg, 3); // west, down the line
            var w = new World(s);
            w.AdvanceTo(10);
            Assert.Equal(800, w.RouteChainageM, 6);

            File.WriteAllText(Path.Combine(dir.FullName, "line.csv"), "kind,name,lat,lon,line,direction\ntrack,,north,77.0,L1,both\n");
            var e = Assert.Throws<ScenarioException>(() => Scenario.Load(scenario));
            Assert.Contains("s.json: train.route: line.csv line 2, field lat: must be a latitude in degrees, got 'north'", e.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Kavach.Edge.sln")))
            d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
