using System.Globalization;
using System.Net;
using System.Text.Json;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Api;

/// <summary>/api/trends on a real SQLite file holding known summaries and level changes, through the real daemon's API.</summary>
public class TrendsApiTests
{
    private const string Key = "k3y-for-tests-0123456789abcdef";

    // Nine minutes of a fog episode two days ago (minute-aligned), nothing in the tenth: camera 1200 m for 3 min, 150 m for 3 min
    // (and one stale row of 10 m that must not count), then 800 m; lidar 100 Hz, 10 % then (from 5 min) 30 % no-return, nearest
    // 80 m, strength alternating 400/500; radar 20 Hz, 60 m closing at 10 m/s (ttc 6 s), SNR 20 dB. LOW before, MEDIUM at +185 s,
    // LOW again at +400 s.
    private static long Seed(string path)
    {
        var t0 = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeSeconds() / 60 * 60;
        using var seed = new TrendSeed(path);
        seed.Level(DateTimeOffset.FromUnixTimeSeconds(t0 - 3600), "LOW", "FAULT");
        seed.Level(DateTimeOffset.FromUnixTimeSeconds(t0 + 185), "MEDIUM", "LOW");
        seed.Level(DateTimeOffset.FromUnixTimeSeconds(t0 + 400), "LOW", "MEDIUM");
        for (var s = 0; s < 540; s++)
        {
            seed.Lidar1s(t0 + s, 100, s < 300 ? 100 : 300, 8000, s % 2 == 0 ? 400 : 500);
            seed.Radar1s(t0 + s, 20, 0, 6000, 2000, 1000);
            seed.Camera1s(
                t0 + s,
                s < 180 ? 1200
                    : s < 360 ? 150
                    : 800
            );
            if (s == 200)
                seed.Camera1s(t0 + s, 10, state: 2);
        }
        return t0;
    }

    private static async Task<(DaemonUnderTest D, TempDir Dir, long T0)> StartAsync(bool key = false)
    {
        var dir = Repo.NewTempDir();
        var t0 = Seed(dir.File("seeded.db"));
        var o = new Dictionary<string, string?> { ["Storage:Path"] = dir.File("seeded.db") };
        if (key)
            o["Api:KeyFile"] = dir.Secret("api.key", Key + "\n");
        return (await DaemonUnderTest.StartAsync(overrides: o), dir, t0);
    }

    private static double?[] Nums(JsonElement a) =>
        [.. a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble())];

    private static JsonElement Sensor(JsonElement page, string name) =>
        page.GetProperty("sensors").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Trends_aggregate_each_bucket_from_the_stored_summaries_and_levels()
    {
        var (d, dir, t0) = await StartAsync();
        await using var _ = d;
        using var __ = dir;
        using var c = d.NewHttpClient();

        var (status, page) = await c.GetJsonAsync($"/api/trends?from={t0}&to={t0 + 600}&step=60");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(t0, page.GetProperty("from").GetInt64());
        Assert.Equal(60, page.GetProperty("step").GetInt32());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => t0 + 60 * i), page.GetProperty("t").EnumerateArray().Select(e => e.GetInt64()));

        var series = page.GetProperty("series");
        // the worst (lowest) visibility of each minute; the stale 10 m row is not evidence; the tenth minute holds no row
        Assert.Equal([1200, 1200, 1200, 150, 150, 150, 800, 800, 800, null], Nums(series.GetProperty("visibilityM")));
        Assert.Equal([.. Enumerable.Repeat<double?>(60, 9), null], Nums(series.GetProperty("rangeM"))); // radar's 60 m below lidar's 80
        Assert.Equal([.. Enumerable.Repeat<double?>(6, 9), null], Nums(series.GetProperty("ttcS")));
        Assert.Equal([.. Enumerable.Repeat<double?>(1, 9), null], Nums(series.GetProperty("coverage")));
        Assert.Equal(
            ["LOW", "LOW", "LOW", "MEDIUM", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW", null],
            page.GetProperty("level").EnumerateArray().Select(e => e.GetString())
        );
        var levels = page.GetProperty("levels").EnumerateArray().ToList();
        Assert.Equal(["LOW", "MEDIUM", "LOW"], levels.Select(l => l.GetProperty("level").GetString()));
        Assert.Equal([t0, t0 + 185, t0 + 400], levels.Select(l => l.GetProperty("from").GetDouble()));
        Assert.Equal(t0 + 600, levels[^1].GetProperty("to").GetDouble());

        var lidar = Sensor(page, "lidar").GetProperty("series");
        Assert.Equal([.. Enumerable.Repeat<double?>(100, 9), null], Nums(lidar.GetProperty("frameRateHz")));
        Assert.Equal([0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.3, 0.3, 0.3, null], Nums(lidar.GetProperty("noReturn")));
        Assert.Equal([.. Enumerable.Repeat<double?>(450, 9), null], Nums(lidar.GetProperty("strength")));
        Assert.Equal(80, Nums(lidar.GetProperty("rangeM"))[0]);
        var radar = Sensor(page, "radar").GetProperty("series");
        Assert.Equal(20, Nums(radar.GetProperty("snrDb"))[4]);
        Assert.Equal(20, Nums(radar.GetProperty("frameRateHz"))[8]);
        Assert.False(radar.TryGetProperty("strength", out var ___));
        var camera = Sensor(page, "camera").GetProperty("series");
        Assert.Equal(150, Nums(camera.GetProperty("visibilityM"))[3]);
        // frame rate: frames per stored second (the minute holding the extra stale row too); coverage stays ≤ 1 there
        Assert.Equal([.. Enumerable.Repeat<double?>(1, 9), null], Nums(camera.GetProperty("frameRateHz")));

        // the same range in ISO 8601; a bound inside a minute is rounded down to the step
        var iso = DateTimeOffset.FromUnixTimeSeconds(t0).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var (s2, page2) = await c.GetJsonAsync($"/api/trends?from={iso}&to={t0 + 600}&step=60");
        Assert.Equal(HttpStatusCode.OK, s2);
        Assert.Equal(Nums(series.GetProperty("visibilityM")), Nums(page2.GetProperty("series").GetProperty("visibilityM")));
        var (s3, page3) = await c.GetJsonAsync($"/api/trends?from={t0 + 30}&to={t0 + 120}&step=60");
        Assert.Equal(HttpStatusCode.OK, s3);
        Assert.Equal([t0, t0 + 60], page3.GetProperty("t").EnumerateArray().Select(e => e.GetInt64()));

        // a day around it without a step: chosen so the page stays within 1000 points, the episode still in it
        var (s4, day) = await c.GetJsonAsync($"/api/trends?from={t0 - 86_000}&to={t0 + 400}");
        Assert.Equal(HttpStatusCode.OK, s4);
        Assert.Equal(120, day.GetProperty("step").GetInt32());
        Assert.InRange(day.GetProperty("t").GetArrayLength(), 700, 1000);
        Assert.Contains(150, Nums(day.GetProperty("series").GetProperty("visibilityM")));
        Assert.Equal(1200, Nums(day.GetProperty("series").GetProperty("visibilityM")).Where(v => v is not null).Max());
    }

    [Fact]
    public async Task Trends_at_whole_minute_steps_come_from_the_minute_rollup_with_the_same_values()
    {
        var dir = Repo.NewTempDir();
        using var _dir = dir;
        var path = dir.File("seeded.db");
        var t0 = Seed(path);
        using (var store = Kavach.Edge.Storage.EventStore.Open(path, TimeProvider.System))
            while (store.Rollup()) { }
        // what the seconds give, then the seconds of the rolled minutes (t0 … t0 + 480) deleted: only the minutes can give it now
        var from = (t0 - 120) / 120 * 120; // as the API rounds it: t0 is a whole minute, not always a multiple of 120 s
        var q = new Kavach.Edge.Storage.TrendQuery(from, t0 + 720, 120);
        var expected = JsonSerializer.Serialize(
            new Kavach.Edge.Storage.TrendReader(path, minuteRollup: false).Read(q),
            Kavach.Edge.Api.ApiJson.Default.TrendPage
        );
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"DELETE FROM summaries WHERE ts_s < {t0 + 480};";
            Assert.Equal(480 * 3 + 1, cmd.ExecuteNonQuery());
        }
        await using var d = await DaemonUnderTest.StartAsync(overrides: new() { ["Storage:Path"] = path });
        using var c = d.NewHttpClient();
        var (status, page) = await c.GetJsonAsync($"/api/trends?from={from}&to={t0 + 720}&step=120");
        Assert.Equal(HttpStatusCode.OK, status);
        using var want = JsonDocument.Parse(expected);
        foreach (var key in new[] { "t", "series", "level", "levels", "sensors" })
            Assert.Equal(want.RootElement.GetProperty(key).GetRawText(), page.GetProperty(key).GetRawText());
        // and the seeded camera: the least of each bucket's seconds (1200 m, then 150 m from 180 s, 800 m from 360 s, none after 540 s)
        double? Worst(long b) =>
            Enumerable
                .Range(0, 540)
                .Where(s => t0 + s >= b && t0 + s < b + 120)
                .Select(s =>
                    (double?)(
                        s < 180 ? 1200
                        : s < 360 ? 150
                        : 800
                    )
                )
                .Min();
        var t = page.GetProperty("t").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.Equal(from, t[0]);
        Assert.Equal(t.Select(Worst), Nums(page.GetProperty("series").GetProperty("visibilityM")));
        Assert.Contains(150, Nums(page.GetProperty("series").GetProperty("visibilityM")));
    }

    [Theory]
    [InlineData("step=0", "step:")]
    [InlineData("step=abc", "step:")]
    [InlineData("from=yesterday", "from:")]
    [InlineData("to=2026-13-45T00:00:00Z", "to:")]
    [InlineData("from=1700000600&to=1700000000", "from: must be before to")]
    [InlineData("from=0&to=1700000000", "400 days")]
    [InlineData("from=1700000000&to=1700086400&step=1", "at most 1000")]
    [InlineData("from=1&from=2", "repeated parameter 'from'")]
    [InlineData("limit=5", "unknown or repeated parameter 'limit'")]
    public async Task A_bad_or_too_large_query_is_refused_with_400_naming_the_parameter(string query, string detail)
    {
        var (d, dir, _) = await StartAsync();
        await using var _d = d;
        using var _dir = dir;
        using var c = d.NewHttpClient();
        var (status, json) = await c.GetJsonAsync("/api/trends?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad-request", json.GetProperty("error").GetString());
        Assert.Contains(detail, json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trends_need_the_key_like_the_other_api_routes()
    {
        var (d, dir, t0) = await StartAsync(key: true);
        await using var _ = d;
        using var __ = dir;
        using var anon = d.NewHttpClient();
        var (status, json) = await anon.GetJsonAsync($"/api/trends?from={t0}&to={t0 + 600}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("unauthorized", json.GetProperty("error").GetString());
        using var keyed = d.NewHttpClient(Key);
        (status, json) = await keyed.GetJsonAsync($"/api/trends?from={t0}&to={t0 + 600}&step=60");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(150, Nums(json.GetProperty("series").GetProperty("visibilityM"))[3]);
    }
}
