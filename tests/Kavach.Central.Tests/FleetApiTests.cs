using System.Net;
using System.Text.Json;
using Kavach.Central.Tests.Support;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;

namespace Kavach.Central.Tests;

/// <summary>The operator's fleet API on a real broker and PostgreSQL: offline by silence, the order of the list, the open
/// episode and its acknowledgement, one device's history.</summary>
[Collection(PostgresCollection.Name)]
public class FleetApiTests(PostgresFixture pg)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private static async Task<JsonElement> GetAsync(HttpClient http, string url) =>
        JsonDocument.Parse(await http.GetStringAsync(url)).RootElement;

    private static JsonElement Device(JsonElement fleet, string id) =>
        fleet.GetProperty("fleet").EnumerateArray().Single(d => d.GetProperty("deviceId").GetString() == id);

    [Fact]
    public async Task A_post_that_falls_silent_with_its_connection_up_is_offline_after_1_5_keep_alives_and_online_again_when_heard()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(
            broker.Port,
            await pg.Cluster.CreateDatabaseAsync(),
            extra: new() { ["Fleet:KeepAliveS"] = "2" }
        );
        await using var device = await DeviceClient.ConnectAsync(broker.Port, "lc-quiet");
        await device.OnlineAsync();
        await device.TelemetryAsync();
        using var http = new HttpClient();
        await Wait.UntilAsync(
            async () => (await GetAsync(http, central.BaseUrl + "/api/fleet")).GetProperty("online").GetInt32() == 1,
            "lc-quiet online"
        );

        // silence: the MQTT connection stays up (the client pings), so the broker sends no last will
        JsonElement row = default;
        await Wait.UntilAsync(
            async () =>
                !(row = Device(await GetAsync(http, central.BaseUrl + "/api/fleet"), "lc-quiet")).GetProperty("online").GetBoolean(),
            "lc-quiet offline by silence"
        );
        Assert.Equal("silent", row.GetProperty("state").GetString());
        Assert.True(
            row.GetProperty("silentS").GetDouble() >= 3.0,
            $"offline only after 1.5 × 2 s of silence, not after {row.GetProperty("silentS")} s"
        );
        Assert.Equal("offline", row.GetProperty("attention").GetString());
        // the sweeper marks the row too (metrics and other readers see it)
        await Wait.UntilAsync(
            async () => await central.ScalarAsync("SELECT count(*) FROM devices WHERE NOT online AND state = 'silent'") == 1,
            "the devices row marked silent"
        );
        Assert.Contains(
            "kavach_central_devices_offline 1",
            await http.GetStringAsync(central.BaseUrl + "/metrics"),
            StringComparison.Ordinal
        );

        await device.TelemetryAsync();
        await Wait.UntilAsync(
            async () => await central.ScalarAsync("SELECT count(*) FROM devices WHERE online AND state = 'online'") == 1,
            "lc-quiet online again with its next message"
        );
        Assert.True(Device(await GetAsync(http, central.BaseUrl + "/api/fleet"), "lc-quiet").GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task The_fleet_lists_unacknowledged_high_first_then_fault_offline_and_the_rest_with_each_open_episode()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(broker.Port, await pg.Cluster.CreateDatabaseAsync());
        var sent = 0;
        async Task<DeviceClient> Post(string id, params (RiskLevel Level, RiskLevel? Previous)[] alerts)
        {
            var d = await DeviceClient.ConnectAsync(broker.Port, id);
            await d.OnlineAsync();
            for (var i = 0; i < alerts.Length; i++)
                await d.PublishAsync(
                    d.Topics.Alerts,
                    DevicePayloads.Alert(id, "e1", i + 1, alerts[i].Level, alerts[i].Previous, T0.AddSeconds(i))
                );
            sent += 1 + alerts.Length;
            return d;
        }
        await using var low = await Post("p-low", (RiskLevel.High, null), (RiskLevel.Low, RiskLevel.High));
        await using var medium = await Post("p-medium", (RiskLevel.High, null), (RiskLevel.Medium, RiskLevel.High)); // a fall keeps the episode
        await using var acked = await Post("p-high-acked", (RiskLevel.High, null));
        await using var fault = await Post("p-fault", (RiskLevel.Low, null), (RiskLevel.Fault, RiskLevel.Low));
        await using var off = await Post("p-off", (RiskLevel.Low, null));
        await using var high = await Post("p-high", (RiskLevel.Low, null), (RiskLevel.High, RiskLevel.Low));
        // the posts' answers: an accepted ack of p-high-acked's episode; a refused one for p-high
        await acked.PublishAsync(acked.Topics.CommandResult, DevicePayloads.CommandResult("p-high-acked", "ack", true, "acknowledged", 1));
        await high.PublishAsync(
            high.Topics.CommandResult,
            DevicePayloads.CommandResult("p-high", "ack", false, "not the current episode", 1)
        );
        sent += 2;
        await Wait.UntilAsync(() => central.Counters.Committed >= sent, () => $"{sent} committed (got {central.Counters.Committed})");
        await off.DieAsync();
        await Wait.UntilAsync(async () => await central.ScalarAsync("SELECT count(*) FROM devices WHERE NOT online") == 1, "p-off offline");

        using var http = new HttpClient();
        var fleet = await GetAsync(http, central.BaseUrl + "/api/fleet");
        var rows = fleet.GetProperty("fleet").EnumerateArray().ToList();
        Assert.Equal(
            ["p-high", "p-fault", "p-off", "p-high-acked", "p-medium", "p-low"],
            rows.Select(r => r.GetProperty("deviceId").GetString())
        );
        Assert.Equal(
            ["high-unacknowledged", "fault-unacknowledged", "offline", "high", "medium-unacknowledged", "low"],
            rows.Select(r => r.GetProperty("attention").GetString())
        );
        Assert.Equal((6, 5), (fleet.GetProperty("devices").GetInt32(), fleet.GetProperty("online").GetInt32()));
        string Episode(string id) =>
            Device(fleet, id).GetProperty("episode") is { ValueKind: JsonValueKind.Object } e
                ? $"{e.GetProperty("seq")} {e.GetProperty("level").GetString()} {e.GetProperty("acknowledged")}"
                : "none";
        Assert.Equal("2 HIGH False", Episode("p-high"));
        Assert.Equal("1 HIGH True", Episode("p-high-acked"));
        Assert.Equal("2 FAULT False", Episode("p-fault"));
        Assert.Equal("1 HIGH False", Episode("p-medium"));
        Assert.Equal("none", Episode("p-low"));
        Assert.Equal("none", Episode("p-off"));
        Assert.Equal(2, await central.ScalarAsync("SELECT count(*) FROM cmd_results"));
    }

    [Fact]
    public async Task A_devices_history_pages_newest_first_and_bad_parameters_are_refused_naming_them()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(broker.Port, await pg.Cluster.CreateDatabaseAsync());
        await using var device = await DeviceClient.ConnectAsync(broker.Port, "lc-hist");
        for (var seq = 1; seq <= 7; seq++)
            await device.AlertAsync("e1", seq);
        await Wait.UntilAsync(() => central.Counters.Committed >= 7, "7 committed");

        using var http = new HttpClient();
        var url = central.BaseUrl + "/api/devices/lc-hist/alerts";
        var page = await GetAsync(http, url + "?limit=3");
        Assert.Equal([7L, 6, 5], page.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("seq").GetInt64()));
        Assert.Equal("test alert 7", page.GetProperty("alerts")[0].GetProperty("reasons")[0].GetString());
        Assert.Equal("HIGH", page.GetProperty("alerts")[0].GetProperty("level").GetString()); // the test cycle LOW, MEDIUM, HIGH, FAULT
        var next = page.GetProperty("next").GetString();
        page = await GetAsync(http, $"{url}?limit=3&before={Uri.EscapeDataString(next!)}");
        Assert.Equal([4L, 3, 2], page.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("seq").GetInt64()));
        page = await GetAsync(http, $"{url}?limit=3&before={Uri.EscapeDataString(page.GetProperty("next").GetString()!)}");
        Assert.Equal([1L], page.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("seq").GetInt64()));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        Assert.Equal(7, (await GetAsync(http, url)).GetProperty("alerts").GetArrayLength());

        foreach (
            var (query, status, error) in new[]
            {
                ("?limit=0", HttpStatusCode.BadRequest, "limit: must be 1-500"),
                ("?before=yesterday", HttpStatusCode.BadRequest, "before: not an ISO 8601 time"),
            }
        )
        {
            using var r = await http.GetAsync(url + query);
            Assert.Equal(status, r.StatusCode);
            Assert.StartsWith(error, JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
        using var unknown = await http.GetAsync(central.BaseUrl + "/api/devices/nobody/alerts");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
