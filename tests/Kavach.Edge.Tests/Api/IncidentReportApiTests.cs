using System.Net;
using System.Text.Json;
using Kavach.Edge.Assessment;
using Kavach.Edge.Hosting;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Tests.Api;

/// <summary>GET /api/incidents/{id} on the real daemon: a HIGH raised through the sensors, acknowledged through the API.</summary>
public class IncidentReportApiTests
{
    private const string Key = "k3y-for-tests-0123456789abcdef";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_high_episode_reports_its_acknowledgement_with_name_and_time_both_views_and_the_hashes_behind_the_key()
    {
        using var dir = Repo.NewTempDir();
        dir.Secret("api.key", Key + "\n");
        await using var d = await DaemonUnderTest.StartAsync(
            overrides: SensorFeed.Overrides(new() { ["Api:KeyFile"] = dir.File("api.key") })
        );
        using var c = d.NewHttpClient(Key);
        using var anon = d.NewHttpClient();
        await using (var feed = await SensorFeed.StartAsync(d))
        {
            await d.WaitForLevelAsync(RiskLevel.Low, Timeout);
            feed.Obstacle = true;
            await d.WaitForLevelAsync(RiskLevel.High, Timeout);
            var (status, ack) = await c.PostJsonAsync("/api/alarm/ack", "{\"by\":\"asha\"}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(ack.GetProperty("accepted").GetBoolean(), ack.ToString());
            feed.Obstacle = false;
            await Wait.UntilAsync(
                () => d.Committed.SkipWhile(s => s.Level != RiskLevel.High).Any(s => s.Level == RiskLevel.Low),
                Timeout,
                "back to LOW after the HIGH"
            );
        }
        var high = d.Committed.First(s => s.Level == RiskLevel.High);
        var (_, events) = await c.GetJsonAsync("/api/events?level=HIGH");
        var listed = events.GetProperty("events")[0];
        var run = listed.GetProperty("run").GetInt64();
        Assert.Equal(high.Change, listed.GetProperty("change").GetInt64());
        var id = $"{run}-{high.Change}";

        // behind the key like every API path
        using (var r = await anon.GetAsync($"/api/incidents/{id}"))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);

        // summaries are stored in batches: wait until the HIGH's seconds are in
        JsonElement report = default;
        await Wait.UntilAsync(
            async () =>
            {
                var (code, r) = await c.GetJsonAsync($"/api/incidents/{id}");
                Assert.Equal(HttpStatusCode.OK, code);
                report = r;
                return r.GetProperty("summaries")
                    .GetProperty("sensors")
                    .EnumerateArray()
                    .Any(s =>
                        s.Str("name") == "lidar"
                        && s.GetProperty("points")
                            .EnumerateArray()
                            .Any(p => p.GetProperty("minM") is { ValueKind: JsonValueKind.Number } m && m.GetDouble() < 61)
                    );
            },
            "the LiDAR's summaries of the HIGH (nearest return ~60 m) in the report",
            Timeout
        );
        Assert.Equal(id, report.Str("id")); // LOW before it: the HIGH opens the incident
        Assert.Equal("test-unit", report.Str("device"));
        Assert.Equal("HIGH", report.Str("peak"));
        Assert.Equal("start", report.GetProperty("start").Str("how"));
        Assert.Equal("low", report.GetProperty("end").Str("how"));
        Assert.Equal(AppInfo.Version, report.Str("software"));
        Assert.Equal(d.Options.ConfigHash, report.Str("configHash"));
        Assert.Equal(JsonValueKind.Null, report.GetProperty("commissioning").ValueKind); // not commissioned in this test

        // the acknowledgement: who, when (as stored), which episode
        var (ackUtc, ackEpisode) = StoredAck(d.DatabasePath);
        var acks = report.GetProperty("operator").EnumerateArray().Where(o => o.Str("kind") == "ack").ToList();
        var a = Assert.Single(acks);
        Assert.Equal("asha", a.Str("by"));
        Assert.Equal("api", a.Str("source"));
        Assert.Equal(ackUtc, a.Str("utc"));
        Assert.Equal(high.Change, a.GetProperty("episode").GetInt64());
        Assert.Equal(high.Change, ackEpisode);
        Assert.True(a.GetProperty("inIncident").GetBoolean());

        // the HIGH change with both layers' views and its outputs
        var levels = report.GetProperty("levels").EnumerateArray().ToList();
        var h = levels.Single(l => l.GetProperty("change").GetInt64() == high.Change && l.GetProperty("run").GetInt64() == run);
        Assert.Equal("HIGH", h.Str("level"));
        Assert.True(h.GetProperty("inIncident").GetBoolean());
        Assert.True(h.GetProperty("opensEpisode").GetBoolean());
        Assert.Equal("HIGH", h.GetProperty("floor").Str("level"));
        Assert.Contains(h.GetProperty("floor").GetProperty("reasons").EnumerateArray(), x =>
            x.GetString()!.Contains("obstacle", StringComparison.Ordinal)
        );
        Assert.Equal(JsonValueKind.Object, h.GetProperty("model").ValueKind); // the committed model runs by default
        Assert.NotNull(h.GetProperty("model").Str("level"));
        Assert.InRange(h.GetProperty("obstacle").GetProperty("rangeM").GetDouble(), 55, 65);
        Assert.Equal("high", h.GetProperty("outputs").Str("pattern"));
        Assert.Equal("on", h.GetProperty("outputs").Str("red"));
        Assert.Contains(h.GetProperty("sensors").EnumerateArray(), s => s.Str("name") == "lidar" && s.Str("state") == "live");
        // the LOW before (context) and the LOW that ends it
        Assert.Contains(levels, l => l.Str("level") == "LOW" && !l.GetProperty("inIncident").GetBoolean());
        var end = report.GetProperty("end");
        Assert.Contains(levels, l => l.Str("level") == "LOW" && l.GetProperty("change").GetInt64() == end.GetProperty("change").GetInt64());
        // sensor health (never seen → live at the start, within the 10 minutes before) and the summaries
        Assert.Contains(report.GetProperty("health").EnumerateArray(), x => x.Str("sensor") == "radar" && x.Str("state") == "live");
        Assert.InRange(report.GetProperty("summaries").GetProperty("stepS").GetInt32(), 1, 20); // ≤ 150 points over ≥ 20 min

        // the alert's UUID names the same incident
        var (_, byUuid) = await c.GetJsonAsync($"/api/incidents/{report.GetProperty("start").Str("alertId")}");
        Assert.Equal(id, byUuid.Str("id"));

        // malformed: 400; unknown: 404 with what is missing; a LOW change: 404
        foreach (var bad in new[] { "abc", "3-", "-3", "0-1", "1-2-3", "1.5-2" })
        {
            var (s400, e400) = await c.GetJsonAsync($"/api/incidents/{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, s400);
            Assert.Contains("RUN-CHANGE", e400.Str("detail"), StringComparison.Ordinal);
        }
        var (s404, e404) = await c.GetJsonAsync($"/api/incidents/{run}-9999");
        Assert.Equal(HttpStatusCode.NotFound, s404);
        Assert.Equal($"no stored level change 9999 in run {run}", e404.Str("detail"));
        (s404, e404) = await c.GetJsonAsync($"/api/incidents/{Guid.CreateVersion7()}");
        Assert.Equal(HttpStatusCode.NotFound, s404);
        Assert.StartsWith("no stored alert", e404.Str("detail"), StringComparison.Ordinal);
        (s404, e404) = await c.GetJsonAsync($"/api/incidents/{run}-{end.GetProperty("change").GetInt64()}");
        Assert.Equal(HttpStatusCode.NotFound, s404);
        Assert.Contains("is LOW", e404.Str("detail"), StringComparison.Ordinal);

        // the printable page holds no data: served without the key
        using (var page = await anon.GetAsync("/report.html"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        d.Log.AssertNoErrors();
    }

    private static (string Utc, long Episode) StoredAck(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT ts_utc, episode FROM operator_events WHERE kind = 'ack'";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read(), "no ack stored");
        return (r.GetString(0), r.GetInt64(1));
    }
}
