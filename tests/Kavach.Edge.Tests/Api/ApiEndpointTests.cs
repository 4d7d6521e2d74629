using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Tests.Api;

/// <summary>Every endpoint through a real Kestrel on a free loopback port of the real daemon host.</summary>
public class ApiEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ping_answers_pong_on_get_and_post()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", d.ApiUrl);
        Assert.DoesNotContain(":0", d.ApiUrl[^2..], StringComparison.Ordinal);
        using var c = d.NewHttpClient();
        var (status, json) = await c.GetJsonAsync("/api/ping");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(json.GetProperty("pong").GetBoolean());
        Assert.Equal("test-unit", json.Str("device"));
        Assert.False(string.IsNullOrEmpty(json.Str("version")));
        (status, json) = await c.PostJsonAsync("/api/ping", "{}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(json.GetProperty("pong").GetBoolean());
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Status_has_the_documented_shape_and_says_fault_while_starting()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        using var c = d.NewHttpClient();
        var (status, s) = await c.GetJsonAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, status);
        foreach (
            var key in new[]
            {
                "device",
                "version",
                "utc",
                "uptimeS",
                "level",
                "previous",
                "change",
                "since",
                "reasons",
                "raisedBy",
                "starting",
                "faults",
                "visibility",
                "obstacle",
                "sensors",
                "outputs",
                "alarm",
                "model",
                "uplink",
                "pipeline",
            }
        )
            Assert.True(s.TryGetProperty(key, out _), $"status has no '{key}': {s}");
        Assert.Equal("FAULT", s.Str("level"));
        Assert.True(s.GetProperty("starting").GetBoolean());
        Assert.Contains("starting", s.GetProperty("faults").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(JsonValueKind.Null, s.GetProperty("visibility").GetProperty("m").ValueKind);
        Assert.Equal("unknown", s.GetProperty("visibility").Str("fogClass"));
        Assert.False(s.GetProperty("obstacle").GetProperty("present").GetBoolean());
        var sensors = s.GetProperty("sensors").EnumerateArray().ToList();
        Assert.Equal(["lidar", "radar", "camera"], sensors.Select(x => x.Str("name")));
        foreach (
            var key in new[]
            {
                "name",
                "kind",
                "required",
                "connection",
                "clients",
                "frames",
                "rejects",
                "rejectsByReason",
                "dropped",
                "lastFrameAgeS",
                "everSeen",
                "stale",
                "frozen",
                "live",
            }
        )
            Assert.True(sensors[0].TryGetProperty(key, out _), $"sensor has no '{key}'");
        Assert.Equal("listening", sensors[0].Str("connection"));
        Assert.True(sensors[0].GetProperty("stale").GetBoolean());
        foreach (var key in new[] { "green", "amber", "red", "buzzer", "buzzerSilenced" })
            Assert.True(s.GetProperty("outputs").TryGetProperty(key, out _), $"outputs has no '{key}'");
        Assert.Equal("not configured", s.GetProperty("uplink").Str("state"));
        Assert.Equal("running", s.GetProperty("model").Str("state")); // the committed model loads by default
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Health_is_503_with_detail_while_the_unit_cannot_vouch_and_200_once_live()
    {
        await using var d = await DaemonUnderTest.StartAsync(overrides: SensorFeed.Overrides());
        using var c = d.NewHttpClient();
        var (status, h) = await c.GetJsonAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("fault", h.Str("status"));
        var components = h.GetProperty("components").EnumerateArray().ToDictionary(x => x.Str("name"));
        Assert.False(components["risk"].GetProperty("ok").GetBoolean());
        Assert.False(components["sensor lidar"].GetProperty("ok").GetBoolean());
        Assert.Contains("no data yet", components["sensor lidar"].Str("detail"), StringComparison.Ordinal);
        Assert.True(components["sensor camera"].GetProperty("ok").GetBoolean()); // not required

        await using var feed = await SensorFeed.StartAsync(d);
        await d.WaitForLevelAsync(RiskLevel.Low, Timeout);
        (status, h) = await c.GetJsonAsync("/health");
        Assert.True(status == HttpStatusCode.OK, h.ToString());
        Assert.Equal("ok", h.Str("status"));
        Assert.Equal("LOW", h.Str("level"));
        Assert.All(h.GetProperty("components").EnumerateArray(), x => Assert.True(x.GetProperty("ok").GetBoolean(), x.ToString()));

        var (_, s) = await c.GetJsonAsync("/api/status");
        Assert.Equal("LOW", s.Str("level"));
        var lidar = s.GetProperty("sensors")[0];
        Assert.Equal("connected", lidar.Str("connection"));
        Assert.True(lidar.GetProperty("live").GetBoolean());
        Assert.True(lidar.GetProperty("frames").GetInt64() > 0);
        Assert.Equal("clear", s.GetProperty("visibility").Str("fogClass"));
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Metrics_export_the_daemon_meter_in_prometheus_text()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        using var lidar = await d.ConnectAsync("lidar");
        await lidar.SendAsync("{\"sensor\":\"lidar\",\"distance\":12.5,\"c\":1}\nnot json\n");
        await Wait.UntilAsync(() => d.Sensor("lidar").Frames == 1 && d.Sensor("lidar").TotalRejects == 1, Timeout, "a frame and a reject");
        using var c = d.NewHttpClient();
        var text = "";
        for (
            var deadline = DateTime.UtcNow + Timeout;
            !text.Contains("kavach_edge_pipeline_tick_duration_count", StringComparison.Ordinal);
            await Task.Delay(100)
        )
        {
            Assert.True(DateTime.UtcNow < deadline, "no scrape with pipeline ticks:\n" + text);
            using var r = await c.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
            text = await r.Content.ReadAsStringAsync();
        }
        Assert.Contains("kavach_edge_sensor_frames{kind=\"lidar\",sensor=\"lidar\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("kavach_edge_sensor_rejects{reason=\"malformed\",sensor=\"lidar\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("kavach_edge_risk_level 2", text, StringComparison.Ordinal); // FAULT while starting
        Assert.Contains("kavach_edge_pipeline_tick_duration_bucket{le=\"1\"}", text, StringComparison.Ordinal);
        Assert.Contains("kavach_edge_pipeline_tick_duration_count", text, StringComparison.Ordinal);
        Assert.Contains("kavach_edge_readings_dropped 0", text, StringComparison.Ordinal);
        Assert.Contains("kavach_edge_api_ws_clients 0", text, StringComparison.Ordinal);
        Assert.Contains("process_working_set_bytes", text, StringComparison.Ordinal);
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Events_are_paged_newest_first_and_filtered_by_time_and_level()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        await Wait.UntilAsync(() => d.Committed.Count >= 1, Timeout, "the starting FAULT stored");
        var t0 = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
        using (var store = EventStore.Open(d.DatabasePath, TimeProvider.System))
        {
            var levels = new[]
            {
                RiskLevel.Low,
                RiskLevel.Medium,
                RiskLevel.High,
                RiskLevel.Medium,
                RiskLevel.Low,
                RiskLevel.Fault,
                RiskLevel.Low,
            };
            for (var i = 0; i < levels.Length; i++)
                store.AppendAlert(
                    new RiskState
                    {
                        Change = 100 + i,
                        Level = levels[i],
                        Utc = t0.AddMinutes(i),
                        Reasons = [$"test {i}"],
                        Faults = [],
                    },
                    new AlertContext("test-unit", "test", "hash", true, false, []),
                    i,
                    100_000
                );
        }
        using var c = d.NewHttpClient();
        var (status, page) = await c.GetJsonAsync("/api/events?limit=3");
        Assert.Equal(HttpStatusCode.OK, status);
        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(3, events.Count);
        Assert.Equal(["test 6", "test 5", "test 4"], events.Select(e => e.GetProperty("reasons")[0].GetString()));
        foreach (
            var key in new[]
            {
                "id",
                "utc",
                "level",
                "previous",
                "reasons",
                "faults",
                "visibilityM",
                "visibilityBound",
                "fogClass",
                "obstacleRangeM",
                "closingSpeedMps",
                "ttcS",
                "obstacleSource",
                "raisedBy",
            }
        )
            Assert.True(events[0].TryGetProperty(key, out _), $"event has no '{key}'");
        var next = page.GetProperty("next").GetInt64();
        Assert.Equal(events[2].GetProperty("id").GetInt64(), next);

        (_, page) = await c.GetJsonAsync($"/api/events?limit=3&before={next}");
        Assert.Equal(
            ["test 3", "test 2", "test 1"],
            page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("reasons")[0].GetString())
        );

        (_, page) = await c.GetJsonAsync("/api/events?level=low&from=2030-01-01T12:00:00Z");
        Assert.Equal(
            ["test 6", "test 4", "test 0"],
            page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("reasons")[0].GetString())
        );
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);

        (_, page) = await c.GetJsonAsync("/api/events?from=2030-01-01T12:02:00Z&to=2030-01-01T17:34:00%2B05:30"); // to = 12:04 UTC, exclusive
        Assert.Equal(
            ["test 3", "test 2"],
            page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("reasons")[0].GetString())
        );

        foreach (var bad in new[] { "limit=0", "limit=501", "level=GREEN", "from=yesterday", "before=-1", "colour=red" })
        {
            var (code, err) = await c.GetJsonAsync("/api/events?" + bad);
            Assert.True(code == HttpStatusCode.BadRequest, bad);
            Assert.Equal("bad-request", err.Str("error"));
            Assert.False(string.IsNullOrEmpty(err.Str("detail")));
        }
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Ack_silences_the_buzzer_of_the_current_episode_and_a_stale_episode_is_refused_with_409()
    {
        await using var d = await DaemonUnderTest.StartAsync(); // FAULT "starting": an alarm episode
        var control = d.Host.Services.GetRequiredService<AlarmControl>();
        await Wait.UntilAsync(() => control.CurrentEpisode >= 1, Timeout, "the starting FAULT episode");
        using var c = d.NewHttpClient();

        var (status, r) = await c.PostJsonAsync("/api/alarm/ack", "{\"episode\":999999,\"by\":\"asha\"}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.False(r.GetProperty("accepted").GetBoolean());
        Assert.False(string.IsNullOrEmpty(r.Str("reason")));
        Assert.False(control.BuzzerSilenced);

        (status, r) = await c.PostJsonAsync("/api/alarm/ack", "{\"by\":\"asha\"}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(r.GetProperty("accepted").GetBoolean());
        Assert.True(r.GetProperty("buzzerSilenced").GetBoolean());
        Assert.True(control.BuzzerSilenced);
        var (_, s) = await c.GetJsonAsync("/api/status");
        Assert.True(s.GetProperty("outputs").GetProperty("buzzerSilenced").GetBoolean());
        Assert.True(s.GetProperty("alarm").GetProperty("buzzerSilenced").GetBoolean());

        (status, r) = await c.PostJsonAsync("/api/alarm/ack", "{\"episode\":1}");
        Assert.Equal(HttpStatusCode.BadRequest, status); // who acknowledges is required
        Assert.Contains("by", r.Str("detail"), StringComparison.Ordinal);
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Maintenance_starts_and_ends_and_bad_bodies_are_400()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var control = d.Host.Services.GetRequiredService<AlarmControl>();
        using var c = d.NewHttpClient();
        var (status, r) = await c.PostJsonAsync("/api/maintenance", "{\"minutes\":30,\"by\":\"ravi\"}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(r.GetProperty("maintenance").GetBoolean());
        Assert.True(control.InMaintenance);
        Assert.True(r.GetProperty("maintenanceUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(29));

        (status, r) = await c.PostJsonAsync("/api/maintenance", "{\"end\":true,\"by\":\"ravi\"}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(control.InMaintenance);
        (status, _) = await c.PostJsonAsync("/api/maintenance", "{\"end\":true,\"by\":\"ravi\"}");
        Assert.Equal(HttpStatusCode.Conflict, status);

        foreach (
            var bad in new[]
            {
                "{\"minutes\":0,\"by\":\"ravi\"}",
                "{\"minutes\":5000,\"by\":\"ravi\"}",
                "{\"minutes\":5,\"end\":true,\"by\":\"ravi\"}",
                "{\"minutes\":5}",
                "{\"minutes\":\"5\",\"by\":\"r\"}",
                "{\"mins\":5,\"by\":\"r\"}",
            }
        )
        {
            (status, r) = await c.PostJsonAsync("/api/maintenance", bad);
            Assert.True(status == HttpStatusCode.BadRequest, bad);
            Assert.Equal("bad-request", r.Str("error"));
        }
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Errors_have_one_json_shape_and_no_internals()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        using var c = d.NewHttpClient();
        async Task Expect(HttpResponseMessage resp, HttpStatusCode code, string error)
        {
            using (resp)
            {
                Assert.Equal(code, resp.StatusCode);
                var text = await resp.Content.ReadAsStringAsync();
                Assert.Equal("application/json", resp.Content.Headers.ContentType?.MediaType);
                var j = JsonDocument.Parse(text).RootElement;
                Assert.Equal(error, j.Str("error"));
                Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
                Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            }
        }
        await Expect(
            await c.PostAsync("/api/alarm/ack", new StringContent("{not json", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest,
            "bad-request"
        );
        await Expect(
            await c.PostAsync("/api/alarm/ack", new StringContent("by=me", Encoding.UTF8, "application/x-www-form-urlencoded")),
            HttpStatusCode.UnsupportedMediaType,
            "unsupported-media-type"
        );
        await Expect(
            await c.PostAsync(
                "/api/alarm/ack",
                new StringContent("{\"by\":\"" + new string('x', 5000) + "\"}", Encoding.UTF8, "application/json")
            ),
            HttpStatusCode.RequestEntityTooLarge,
            "payload-too-large"
        );
        await Expect(await c.GetAsync("/api/nothing-here"), HttpStatusCode.NotFound, "not-found");
        await Expect(await c.GetAsync("/favicon.ico"), HttpStatusCode.NotFound, "not-found");
        await Expect(await c.DeleteAsync("/api/status"), HttpStatusCode.MethodNotAllowed, "method-not-allowed");
        await Expect(await c.GetAsync("/ws/alerts"), HttpStatusCode.BadRequest, "bad-request");

        using var page = await c.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(page.Headers.Contains("Server"));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("app.js", html, StringComparison.Ordinal);
        foreach (var asset in new[] { "/app.js", "/style.css" })
        {
            using var a = await c.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        }
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task WebSocket_sends_hello_the_current_level_status_and_then_a_live_level_change()
    {
        await using var d = await DaemonUnderTest.StartAsync(overrides: SensorFeed.Overrides());
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(ApiClient.WsUri(d.ApiUrl), CancellationToken.None);
        var hello = await ws.ReceiveJsonAsync(Timeout);
        Assert.Equal("hello", hello.Str("type"));
        Assert.Equal("test-unit", hello.Str("device"));
        var level = await ws.ReceiveJsonAsync(Timeout);
        Assert.Equal("level", level.Str("type"));
        Assert.Equal("FAULT", level.Str("level"));
        Assert.True(level.GetProperty("alert").GetBoolean());
        var status = await ws.ReceiveJsonAsync(Timeout);
        Assert.Equal("status", status.Str("type"));
        Assert.Equal("FAULT", status.GetProperty("status").Str("level"));

        await using var feed = await SensorFeed.StartAsync(d);
        var levels = new List<string>();
        var low = await ws.ReceiveUntilAsync(
            m =>
            {
                if (m.Str("type") == "level")
                    levels.Add(m.ToString());
                return m.Str("type") == "level" && m.Str("level") == "LOW";
            },
            Timeout,
            "a LOW level message"
        );
        Assert.True(low.Str("previous") == "FAULT", "FAULT → LOW expected, got: " + string.Join(" | ", levels));
        Assert.False(low.GetProperty("alert").GetBoolean());
        foreach (var key in new[] { "change", "utc", "reasons", "faults", "raisedBy" })
            Assert.True(low.TryGetProperty(key, out _), $"level message has no '{key}'");

        // operator events are pushed too
        feed.Obstacle = true;
        await ws.ReceiveUntilAsync(m => m.Str("type") == "level" && m.Str("level") == "HIGH", Timeout, "a HIGH level message");
        using var c = d.NewHttpClient();
        var (code, _) = await c.PostJsonAsync("/api/alarm/ack", "{\"by\":\"asha\"}");
        Assert.Equal(HttpStatusCode.OK, code);
        var op = await ws.ReceiveUntilAsync(m => m.Str("type") == "operator", Timeout, "an operator message");
        Assert.Equal("ack", op.Str("kind"));
        Assert.Equal("asha", op.Str("by"));
        Assert.Equal("api", op.Str("source"));

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_slow_websocket_client_is_dropped_and_never_slows_the_broadcaster_or_the_others()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        var hub = d.Host.Services.GetRequiredService<Kavach.Edge.Api.AlertHub>();
        using var good = new ClientWebSocket();
        await good.ConnectAsync(ApiClient.WsUri(d.ApiUrl), CancellationToken.None);
        await good.ReceiveJsonAsync(Timeout); // hello

        // A client that upgrades and then never reads: a tiny receive buffer, so the server's writes back up fast.
        using var slow = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp)
        {
            ReceiveBufferSize = 1024,
        };
        var uri = new Uri(d.ApiUrl);
        await slow.ConnectAsync(uri.Host, uri.Port);
        await slow.SendAsync(
            Encoding.ASCII.GetBytes(
                $"GET /ws/alerts HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            )
        );
        await Wait.UntilAsync(() => hub.Clients == 2, Timeout, "two clients");

        // Publish, in bursts the good client drains in between, far more than the slow client's socket
        // (~200 kB a message) and queue can hold. Each Publish returns at once all the same.
        var latest = d.Broadcaster.Latest!;
        var padding = new string('x', 200_000);
        long change = 1000;
        for (var burst = 0; burst < 4 && hub.Dropped == 0; burst++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < Kavach.Edge.Api.AlertHub.ClientQueueLength / 2; i++)
                d.Broadcaster.Publish(latest with { Change = ++change, Reasons = [$"flood {change}", padding] });
            Assert.True(sw.ElapsedMilliseconds < 500, $"publishing a burst took {sw.ElapsedMilliseconds} ms");
            var last = change;
            await good.ReceiveUntilAsync(
                m => m.Str("type") == "level" && m.GetProperty("change").GetInt64() == last,
                Timeout,
                $"burst {burst} at the good client"
            );
        }
        await Wait.UntilAsync(() => hub.Dropped == 1, Timeout, "the slow client dropped");
        Assert.Equal(1, hub.Clients);
        Assert.Equal(WebSocketState.Open, good.State);
        Assert.Contains(d.Log.Messages, m => m.Contains("dropped WebSocket client", StringComparison.Ordinal));
    }
}
