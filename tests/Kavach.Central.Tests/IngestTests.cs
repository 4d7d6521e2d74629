using System.Text.Json;
using Kavach.Central.Tests.Support;
using Kavach.Edge.Tests.Support;

namespace Kavach.Central.Tests;

/// <summary>Real posts (MQTT 5 clients publishing the daemon's payloads) → a real mosquitto → kavach-central → a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public class IngestTests(PostgresFixture pg)
{
    [Fact]
    public async Task Alerts_land_exactly_once_and_a_redelivery_of_the_same_device_epoch_and_seq_is_a_no_op()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(broker.Port, await pg.Cluster.CreateDatabaseAsync());
        var devices = new List<DeviceClient>();
        for (var d = 0; d < 3; d++)
            devices.Add(await DeviceClient.ConnectAsync(broker.Port, $"lc-{d}"));
        const int perDevice = 60;
        var published = 0;
        for (var seq = 1; seq <= perDevice; seq++)
            foreach (var device in devices)
            {
                await device.AlertAsync("e1", seq);
                published++;
            }
        // the same alerts again, byte for byte as a daemon resends them after a lost PUBACK, and a few of another epoch
        foreach (var device in devices)
            for (var seq = 1; seq <= 10; seq++)
            {
                await device.AlertAsync("e1", seq);
                published++;
            }
        await devices[0].AlertAsync("e2", 1);
        published++;

        await Wait.UntilAsync(
            () => central.Counters.Committed >= published,
            () => $"{published} messages committed (got {central.Counters.Committed})"
        );
        Assert.Equal(3 * perDevice + 1, await central.ScalarAsync("SELECT count(*) FROM alerts"));
        Assert.Equal(3 * perDevice + 1, await central.ScalarAsync("SELECT count(DISTINCT (device_id, epoch, seq)) FROM alerts"));
        Assert.Equal(30, central.Counters.Duplicates);
        Assert.Equal(published, central.Counters.Acknowledged);
        Assert.Equal(0, await central.ScalarAsync("SELECT count(*) FROM rejects"));
        using (var http = new HttpClient())
        {
            var metrics = await http.GetStringAsync(central.BaseUrl + "/metrics");
            Assert.Contains($"kavach_central_alerts_new {3 * perDevice + 1}", metrics, StringComparison.Ordinal);
            Assert.Contains("kavach_central_alerts_duplicates 30", metrics, StringComparison.Ordinal);
            Assert.Contains("kavach_central_devices 3", metrics, StringComparison.Ordinal);
            Assert.Contains("kavach_central_gaps_open 0", metrics, StringComparison.Ordinal);
            Assert.Contains($"kavach_central_receive_to_commit_seconds_count {published}", metrics, StringComparison.Ordinal);
        }
        // each device's level is its newest alert's (seq 60: the cycle LOW, MEDIUM, HIGH, FAULT ends on FAULT)
        Assert.Equal(3, await central.ScalarAsync($"SELECT count(*) FROM devices WHERE level = 'FAULT' AND last_seq = {perDevice}"));
        foreach (var device in devices)
            await device.DisposeAsync();
    }

    [Fact]
    public async Task Two_instances_in_one_shared_subscription_group_split_the_load_and_commit_each_alert_once()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var cs = await pg.Cluster.CreateDatabaseAsync();
        await using var a = await CentralRig.StartAsync(broker.Port, cs, "central-a");
        await using var b = await CentralRig.StartAsync(broker.Port, cs, "central-b");
        await using var device = await DeviceClient.ConnectAsync(broker.Port, "lc-shared");
        for (var seq = 1; seq <= 200; seq++)
            await device.AlertAsync("e1", seq);
        await Wait.UntilAsync(
            () => a.Counters.Committed + b.Counters.Committed >= 200,
            () => $"200 committed (a {a.Counters.Committed}, b {b.Counters.Committed})"
        );
        Assert.Equal(200, await a.ScalarAsync("SELECT count(*) FROM alerts"));
        Assert.True(
            a.Counters.AlertsNew > 0 && b.Counters.AlertsNew > 0,
            $"both instances took a share: a {a.Counters.AlertsNew}, b {b.Counters.AlertsNew}"
        );
        Assert.Equal(200, a.Counters.AlertsNew + b.Counters.AlertsNew);
    }

    [Fact]
    public async Task A_device_is_online_from_its_retained_status_and_offline_from_its_last_will()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(broker.Port, await pg.Cluster.CreateDatabaseAsync());
        await using var device = await DeviceClient.ConnectAsync(broker.Port, "lc-47-east");
        await device.OnlineAsync();
        await device.AlertAsync("e1", 3); // HIGH
        await Wait.UntilAsync(
            async () =>
                await central.ScalarAsync("SELECT count(*) FROM devices WHERE online AND level = 'HIGH' AND software = '0.1.0'") == 1,
            "lc-47-east online at HIGH"
        );

        using var http = new HttpClient();
        var fleet = JsonDocument.Parse(await http.GetStringAsync(central.BaseUrl + "/api/fleet")).RootElement;
        Assert.Equal(1, fleet.GetProperty("online").GetInt32());
        var row = fleet.GetProperty("fleet")[0];
        Assert.Equal(
            ("lc-47-east", "HIGH", true),
            (row.GetProperty("deviceId").GetString(), row.GetProperty("level").GetString(), row.GetProperty("online").GetBoolean())
        );

        // telemetry (QoS 0, the daemon's own writer) counts as a sign of life
        var seen = await central.ScalarAsync("SELECT (extract(epoch FROM last_seen) * 1000000)::bigint FROM devices");
        await device.PublishAsync(
            device.Topics.Telemetry,
            Kavach.Edge.Uplink.UplinkJson.Telemetry(
                "lc-47-east",
                DateTimeOffset.UtcNow,
                Kavach.Edge.Assessment.RiskLevel.High,
                0,
                0,
                true,
                null,
                []
            )
        );
        await Wait.UntilAsync(
            async () => await central.ScalarAsync("SELECT (extract(epoch FROM last_seen) * 1000000)::bigint FROM devices") > seen,
            "last_seen moved by telemetry"
        );
        Assert.Equal(0, await central.ScalarAsync("SELECT count(*) FROM rejects"));

        await device.DieAsync();
        await Wait.UntilAsync(
            async () => await central.ScalarAsync("SELECT count(*) FROM devices WHERE NOT online AND state = 'offline'") == 1,
            "lc-47-east offline after its last will"
        );
    }

    [Fact]
    public async Task A_last_will_of_an_earlier_run_does_not_take_a_restarted_device_offline()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(broker.Port, await pg.Cluster.CreateDatabaseAsync());
        await using var device = await DeviceClient.ConnectAsync(broker.Port, "lc-9");
        await device.OnlineAsync();
        await device.PublishAsync(device.Topics.Status, DevicePayloads.Offline("00000000deadbeef"), retain: true); // a will arriving late
        await device.AlertAsync("e1", 1);
        await Wait.UntilAsync(() => central.Counters.Committed >= 3, "three messages committed");
        Assert.Equal(1, await central.ScalarAsync($"SELECT count(*) FROM devices WHERE online AND instance = '{device.Instance}'"));
    }

    [Fact]
    public async Task Messages_that_do_not_fit_the_contract_are_kept_in_rejects_and_acknowledged()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(broker.Port, await pg.Cluster.CreateDatabaseAsync());
        await using var device = await DeviceClient.ConnectAsync(broker.Port, "lc-1");
        await device.PublishAsync(device.Topics.Alerts, "{\"type\":\"alert\"");
        await device.PublishAsync(device.Topics.Alerts, DevicePayloads.Alert("lc-2", "e1", 1)); // another post's alert on our topic
        await Wait.UntilAsync(() => central.Counters.Acknowledged >= 2, "both acknowledged");
        Assert.Equal(2, await central.ScalarAsync("SELECT count(*) FROM rejects"));
        Assert.Equal(0, await central.ScalarAsync("SELECT count(*) FROM alerts"));
    }

    [Fact]
    public async Task Seq_gaps_open_when_an_alert_skips_ahead_and_close_when_the_late_alert_or_a_shed_record_arrives()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(broker.Port, await pg.Cluster.CreateDatabaseAsync());
        await using var device = await DeviceClient.ConnectAsync(broker.Port, "lc-gaps");
        var sent = 0;
        async Task<string> Gaps(params long[] seqs)
        {
            foreach (var s in seqs)
            {
                await device.AlertAsync("e1", s);
                sent++;
            }
            await Wait.UntilAsync(() => central.Counters.Committed >= sent, $"{sent} committed");
            await using var cmd = central.Db.CreateCommand(
                "SELECT coalesce(string_agg(from_seq || '-' || to_seq, ',' ORDER BY from_seq), '') FROM gaps WHERE device_id = 'lc-gaps'"
            );
            return (string)(await cmd.ExecuteScalarAsync())!;
        }
        Assert.Equal("", await Gaps(1, 2));
        Assert.Equal("3-9", await Gaps(10));
        Assert.Equal("3-4,6-9", await Gaps(5));
        await device.PublishAsync(device.Topics.Alerts, DevicePayloads.Shed("lc-gaps", "e1", 6, 8)); // the post says 6..8 are lost for good
        sent++;
        Assert.Equal("3-4,9-9", await Gaps());
        Assert.Equal("9-9", await Gaps(3, 4, 4)); // a late pair, one of them twice
        Assert.Equal("", await Gaps(9));
        Assert.Equal("12-12", await Gaps(11, 13));
        Assert.Equal(9, await central.ScalarAsync("SELECT received FROM streams WHERE device_id = 'lc-gaps'"));
        Assert.Equal(13, await central.ScalarAsync("SELECT max_seq FROM streams WHERE device_id = 'lc-gaps'"));

        using var http = new HttpClient();
        var row = JsonDocument.Parse(await http.GetStringAsync(central.BaseUrl + "/api/fleet")).RootElement.GetProperty("fleet")[0];
        Assert.Equal((1, 1), (row.GetProperty("openGaps").GetInt32(), row.GetProperty("missingAlerts").GetInt32()));
    }
}
