using Kavach.Edge.Configuration;
using Kavach.Edge.Route;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Route;

/// <summary>Route files (docs/route.md): both formats read to the same rows; every refusal names file, row and field.</summary>
public sealed class RouteFileTests
{
    private const string Header = "kind,name,lat,lon,line,direction,km,speed_kmh";

    private static (List<Landmark> Rows, List<string> Errors) Csv(string text)
    {
        var errors = new List<string>();
        var rows = RouteCsv.Parse(text, "r.csv", errors);
        return (rows, errors);
    }

    private static (List<Landmark> Rows, List<string> Errors) Geo(string json)
    {
        var errors = new List<string>();
        var rows = RouteGeoJson.Parse(System.Text.Encoding.UTF8.GetBytes(json), "r.geojson", errors);
        return (rows, errors);
    }

    [Fact]
    public void A_good_csv_reads_every_field_with_quotes_comments_a_byte_order_mark_and_columns_in_any_order()
    {
        var (rows, errors) = Csv(
            "\uFEFF# a comment\n"
                + "line,kind,name,lat,lon,direction,speed_kmh,km\n"
                + "\n"
                + "UP,track,,26.8,80.9,,,112.0\n"
                + "UP,signal,\"Home, \"\"H1\"\"\",26.8,80.91,up,,112.9\n"
                + "UP,speed-restriction,Curve,26.8,80.92,UP,75,113.9\r\n"
                + "UP,station,Amritvan,26.8,80.93,both,,\n"
        );
        Assert.Empty(errors);
        Assert.Equal(4, rows.Count);
        Assert.Equal(LandmarkKind.Track, rows[0].Kind);
        Assert.Equal(RouteDirection.Both, rows[0].Direction);
        Assert.False(rows[0].Announced);
        Assert.Equal("Home, \"H1\"", rows[1].Name);
        Assert.Equal(RouteDirection.Up, rows[1].Direction);
        Assert.Equal(80.91, rows[1].LongitudeDeg);
        Assert.Equal(112.9, rows[1].KmPost);
        Assert.True(double.IsNaN(rows[1].SpeedLimitKmh));
        Assert.Equal(LandmarkKind.SpeedRestriction, rows[2].Kind);
        Assert.Equal(75, rows[2].SpeedLimitKmh);
        Assert.True(double.IsNaN(rows[3].KmPost));
        Assert.Equal("r.csv line 7", rows[3].Source);
    }

    [Theory]
    [InlineData("bogus,x,26.8,80.9,UP,up,,", "r.csv line 2, field kind: must be one of track, signal, level-crossing")]
    [InlineData("signal,,26.8,80.9,UP,up,,", "r.csv line 2, field name: is required for a signal")]
    [InlineData("signal,S1,north,80.9,UP,up,,", "r.csv line 2, field lat: must be a number (decimal point, no units), got 'north'")]
    [InlineData("signal,S1,96,80.9,UP,up,,", "r.csv line 2, field lat: must be -90 to 90 degrees, got 96")]
    [InlineData("signal,S1,26.8,,UP,up,,", "r.csv line 2, field lon: is required")]
    [InlineData("signal,S1,26.8,80.9,,up,,", "r.csv line 2, field line: is required")]
    [InlineData("signal,S1,26.8,80.9,UP,sideways,,", "r.csv line 2, field direction: must be up, down or both, got 'sideways'")]
    [InlineData("signal,S1,26.8,80.9,UP,,,", "r.csv line 2, field direction: is required")]
    [InlineData("signal,S1,26.8,80.9,UP,up,-3,", "r.csv line 2, field km: must be 0-100000 km, got -3")]
    [InlineData("speed-restriction,SR,26.8,80.9,UP,up,,", "r.csv line 2, field speed_kmh: is required for a speed-restriction")]
    [InlineData("speed-restriction,SR,26.8,80.9,UP,up,,900", "r.csv line 2, field speed_kmh: must be 5-250 km/h, got 900")]
    [InlineData("signal,S1,26.8,80.9,UP,up,,60", "r.csv line 2, field speed_kmh: is only for a speed-restriction, not a signal")]
    [InlineData("signal,S1,26.8,80.9,UP,up", "r.csv line 2: has 6 fields, the header has 8")]
    [InlineData("signal,\"S1,26.8,80.9,UP,up,,", "r.csv line 2: field 2: a quoted field has no closing quote")]
    public void A_bad_csv_row_is_refused_naming_the_file_the_line_and_the_field(string row, string expected)
    {
        var (rows, errors) = Csv(Header + "\n" + row + "\n");
        Assert.Empty(rows);
        var e = Assert.Single(errors);
        Assert.StartsWith(expected, e);
    }

    [Fact]
    public void A_bad_header_is_refused_naming_the_column()
    {
        var (_, errors) = Csv("kind,name,lat,lon,line,direction,speed_kph\nsignal,S,26.8,80.9,UP,up,\n");
        Assert.Contains("r.csv line 1, field 7: unknown column 'speed_kph'", errors[0]);
        (_, errors) = Csv("kind,name,lat,lon,line\n");
        Assert.Equal(["r.csv line 1, field direction: the header has no 'direction' column"], errors);
        (_, errors) = Csv("# only a comment\n");
        Assert.StartsWith("r.csv: has no header row", Assert.Single(errors));
    }

    private const string GoodGeoJson = """
        { "type": "FeatureCollection", "name": "test", "features": [
          { "type": "Feature", "geometry": { "type": "Point", "coordinates": [80.9, 26.8, 120] },
            "properties": { "kind": "track", "line": "UP", "km": 112.0 } },
          { "type": "Feature", "geometry": { "type": "Point", "coordinates": [80.92, 26.8] },
            "properties": { "kind": "speed-restriction", "name": "Curve", "line": "UP", "direction": "up", "km": 113.9, "speed_kmh": 75 } },
        ] }
        """;

    [Fact]
    public void A_good_geojson_reads_points_longitude_first()
    {
        var (rows, errors) = Geo(GoodGeoJson);
        Assert.Empty(errors);
        Assert.Equal(2, rows.Count);
        Assert.Equal(26.8, rows[0].LatitudeDeg);
        Assert.Equal(80.9, rows[0].LongitudeDeg);
        Assert.Equal(RouteDirection.Both, rows[0].Direction);
        Assert.Equal(75, rows[1].SpeedLimitKmh);
        Assert.Equal("r.geojson features[1]", rows[1].Source);
    }

    [Theory]
    [InlineData("\"kind\": \"tower\"", "r.geojson features[0], field kind: must be one of")]
    [InlineData("\"kind\": \"signal\", \"name\": 7", "r.geojson features[0], field name: must be a string, got number")]
    [InlineData(
        "\"kind\": \"speed-restriction\", \"name\": \"SR\", \"speed_kmh\": \"75\"",
        "r.geojson features[0], field speed_kmh: must be a number"
    )]
    [InlineData("\"kind\": \"signal\", \"name\": \"S\", \"colour\": \"red\"", "r.geojson features[0], field colour: unknown property")]
    public void A_bad_geojson_feature_is_refused_naming_the_file_the_feature_and_the_field(string properties, string expected)
    {
        var json = $$"""
            { "type": "FeatureCollection", "features": [
              { "type": "Feature", "geometry": { "type": "Point", "coordinates": [80.9, 26.8] },
                "properties": { "line": "UP", "direction": "up", {{properties}} } } ] }
            """;
        var (rows, errors) = Geo(json);
        Assert.Empty(rows);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_geojson_that_is_not_a_collection_of_points_is_refused()
    {
        Assert.StartsWith("r.geojson: must be a GeoJSON FeatureCollection", Assert.Single(Geo("""{ "type": "Feature" }""").Errors));
        Assert.StartsWith("r.geojson line 1: not valid JSON", Assert.Single(Geo("{ \"type\": ").Errors));
        var line = """
            { "type": "FeatureCollection", "features": [ { "type": "Feature", "properties": { "kind": "track", "line": "UP" },
              "geometry": { "type": "LineString", "coordinates": [[80.9, 26.8], [80.91, 26.8]] } } ] }
            """;
        Assert.StartsWith("r.geojson features[0], field geometry: must be a Point", Assert.Single(Geo(line).Errors));
    }

    [Fact]
    public void The_deploy_samples_load_and_say_the_same()
    {
        var dir = Path.Combine(Repo.Root, "deploy");
        var csv = RouteFiles.Read(Path.Combine(dir, "route.sample.csv"), "csv", []);
        var errors = new List<string>();
        var geo = RouteFiles.Read(Path.Combine(dir, "route.sample.geojson"), "geojson", errors);
        Assert.Empty(errors);
        Assert.Equal(csv.Count, geo.Count);
        for (var i = 0; i < csv.Count; i++)
            Assert.Equal(csv[i] with { Source = "" }, geo[i] with { Source = "" });

        var options = new RouteOptions();
        options.Files.Add("route.sample.csv");
        var map = RouteFiles.Load(options, Path.Combine(dir, "kavach.example.json"));
        Assert.Equal(["UP-MAIN", "DN-MAIN"], map.Lines);
        foreach (var kind in Enum.GetValues<LandmarkKind>())
            Assert.Contains(map.Points, p => p.Kind == kind);
        // two parallel lines of about 10 km, 40 m apart
        Assert.InRange(map.LineLengthM(0), 9_950, 10_050);
        Assert.InRange(map.LineLengthM(1), 9_950, 10_100);
        var a = map.Points[0];
        var b = map.Points.First(p => p.Line == "DN-MAIN");
        Assert.InRange(LocalFrame.DistanceM(a.LatitudeDeg, a.LongitudeDeg, b.LatitudeDeg, b.LongitudeDeg), 39, 41);
    }

    [Fact]
    public void Whole_route_checks_name_the_row()
    {
        Landmark P(string line, double lat, double lon, double km, int row) =>
            new(LandmarkKind.Track, "", lat, lon, line, RouteDirection.Both, km, double.NaN, $"f.csv line {row}");
        var errors = new List<string>();
        Assert.Null(RouteMap.Build([P("A", 26.8, 80.9, 1, 2)], errors));
        Assert.StartsWith("f.csv line 2, field line: line 'A' has only this point", Assert.Single(errors));

        errors.Clear();
        Assert.Null(RouteMap.Build([P("A", 26.8, 80.9, 1, 2), P("A", 26.8, 80.91, 2, 3), P("A", 26.8, 80.92, 1.5, 4)], errors));
        Assert.StartsWith("f.csv line 4, field km: 1.5 breaks the order of line 'A''s kilometre posts", Assert.Single(errors));

        errors.Clear();
        Assert.Null(RouteMap.Build([P("A", 26.8, 80.9, 1, 2), P("A", 26.9, 80.9, 2, 3)], errors));
        Assert.StartsWith("f.csv line 3, field lat: 11.1 km from the line's previous point (f.csv line 2)", Assert.Single(errors));
    }

    [Fact]
    public void A_bad_file_refuses_the_configuration_with_every_problem_named()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(Path.Combine(dir.Path, "bad.csv"), Header + "\nsignal,S1,26.8,80.9,UP,up,,\nsignal,S2,26.8,x,UP,up,,\n");
        var options = new RouteOptions();
        options.Files.Add("bad.csv");
        options.Files.Add("missing.geojson");
        options.Files.Add("route.txt");
        var e = Assert.Throws<ConfigurationRefusedException>(() => RouteFiles.Load(options, Path.Combine(dir.Path, "kavach.json")));
        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.Equal(
            $"Route.Files[0]: {dir.Path}/bad.csv line 3, field lon: must be a number (decimal point, no units), got 'x'",
            lines[0]
        );
        Assert.StartsWith($"Route.Files[1]: {dir.Path}/missing.geojson: cannot read the route file", lines[1]);
        Assert.StartsWith($"Route.Files[2]: {dir.Path}/route.txt: unknown route file type '.txt'", lines[2]);
    }
}
