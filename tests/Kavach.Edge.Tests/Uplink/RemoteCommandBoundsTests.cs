using System.Text.Json;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Tests.Uplink;

/// <summary>
/// Remote commands through a real mosquitto onto a real <see cref="AlarmControl"/> (issue 13, items 1–3):
/// remote maintenance is off unless configured and bounded when on, a replayed ack is refused, a HIGH in
/// maintenance is still stored and uplinked, and remote text arrives clean.
/// </summary>
public class RemoteCommandBoundsTests
{
    private static readonly string AlertSchema = Path.Combine(Repo.Root, "docs", "schemas", "alert.schema.json");
    private static readonly string ResultSchema = Path.Combine(Repo.Root, "docs", "schemas", "cmd-result.schema.json");

    private static async Task<Dictionary<byte, JsonElement>> ResultsAsync(TestSubscriber op, int count)
    {
        await Wait.UntilAsync(() => op.On("/cmd-result").Count >= count, () => $"{count} results, got {op.On("/cmd-result").Count}");
        foreach (var m in op.On("/cmd-result"))
            Assert.Empty(SchemaCheck.Validate(ResultSchema, m.Payload));
        return op.On("/cmd-result").ToDictionary(m => m.CorrelationData![0], m => JsonDocument.Parse(m.Payload).RootElement);
    }

    // Connected is set before the uplink subscribes to cmd/#; its first telemetry is sent after: then commands are heard.
    private static Task SubscribedAsync(UplinkRig rig, TestSubscriber op) =>
        Wait.UntilAsync(() => rig.Uplink.Connected && op.On("/telemetry").Count > 0, "the uplink subscribed (first telemetry)");

    private static List<(string Kind, string By, string Source)> OperatorEvents(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT kind, by, source FROM operator_events ORDER BY id";
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string, string)>();
        while (r.Read())
            rows.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        return rows;
    }

    [Fact]
    public async Task Remote_maintenance_is_refused_unless_allowed_and_a_remote_end_is_always_accepted()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new UplinkRig(broker.Port, realAlarm: true);
        await using var op = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/#");
        await rig.StartAsync();
        await SubscribedAsync(rig, op);
        var cmd = $"kavach/{rig.DeviceId}/cmd/maintenance";
        await op.PublishAsync(cmd, "{\"minutes\":30,\"by\":\"ops-centre\"}", correlation: [1]);
        var r = await ResultsAsync(op, 1);
        Assert.False(r[1].GetProperty("accepted").GetBoolean());
        Assert.Contains("Uplink.AllowRemoteMaintenance", r[1].GetProperty("reason").GetString());
        Assert.False(rig.Alarm!.InMaintenance);

        Assert.True(rig.Alarm.StartMaintenance(TimeSpan.FromMinutes(30), "ravi", CommandSource.Api).Accepted);
        await op.PublishAsync(cmd, "{\"end\":true,\"by\":\"ops-centre\"}", correlation: [2]);
        r = await ResultsAsync(op, 2);
        Assert.True(r[2].GetProperty("accepted").GetBoolean(), r[2].GetProperty("reason").GetString());
        Assert.False(rig.Alarm.InMaintenance);
    }

    [Fact]
    public async Task Allowed_remote_maintenance_is_bounded_a_high_in_it_is_stored_and_uplinked_and_a_replayed_ack_is_refused()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new UplinkRig(
            broker.Port,
            new() { ["Uplink:AllowRemoteMaintenance"] = "true", ["Alarm:MaxMaintenanceMs"] = "3600000" },
            realAlarm: true
        );
        await using var op = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/#");
        await rig.StartAsync();
        await SubscribedAsync(rig, op);
        var cmd = $"kavach/{rig.DeviceId}/cmd/";
        await op.PublishAsync(cmd + "maintenance", "{\"minutes\":60,\"by\":\"ops\\r\\nFORGED \\u202Eline\\u001b[2J\"}", correlation: [1]);
        var r = await ResultsAsync(op, 1);
        Assert.True(r[1].GetProperty("accepted").GetBoolean(), r[1].GetProperty("reason").GetString());
        Assert.True(rig.Alarm!.InMaintenance);

        // a HIGH during maintenance: committed and sent like any other, saying who holds the post
        var high = rig.Publish(RiskLevel.High);
        rig.Alarm.OnRiskState(
            new Kavach.Edge.Risk.RiskState
            {
                Change = high,
                Level = RiskLevel.High,
                Utc = rig.H.Time.GetUtcNow(),
            }
        );
        await Wait.UntilAsync(() => op.On("/alerts").Count >= 1, "the HIGH alert");
        var payload = op.On("/alerts")[0].Payload;
        Assert.Empty(SchemaCheck.Validate(AlertSchema, payload));
        var alert = JsonDocument.Parse(payload).RootElement;
        Assert.Equal("HIGH", alert.GetProperty("level").GetString());
        Assert.True(alert.GetProperty("maintenance").GetBoolean());
        Assert.Equal(
            rig.Alarm.MaintenanceUntil!.Value,
            alert.GetProperty("maintenanceUntil").GetDateTimeOffset(),
            TimeSpan.FromMilliseconds(1)
        );
        var who = alert.GetProperty("operator");
        Assert.Equal("maintenance-start", who.GetProperty("kind").GetString());
        Assert.Equal("mqtt", who.GetProperty("source").GetString());
        Assert.Equal("opsFORGED line[2J", who.GetProperty("by").GetString());

        // past the period bound from the broker: refused, with the way to go further
        rig.H.Time.Advance(TimeSpan.FromMinutes(50));
        await op.PublishAsync(cmd + "maintenance", "{\"minutes\":30,\"by\":\"ops\"}", correlation: [2]);
        // the ack of the HIGH once, then its replay
        await op.PublishAsync(cmd + "ack", "{\"seq\":1,\"by\":\"ops\"}", correlation: [3]);
        await op.PublishAsync(cmd + "ack", "{\"seq\":1,\"by\":\"ops\"}", correlation: [4]);
        // a command name and a field name with bidi and zero-width characters come back clean
        await op.PublishAsync(cmd + "re\u202Eboot\u200B", "{}", correlation: [5]);
        await op.PublishAsync(cmd + "maintenance", "{\"minutes\":5,\"by\":\"x\",\"w\\u2066hy\":1}", correlation: [6]);
        r = await ResultsAsync(op, 6);
        Assert.False(r[2].GetProperty("accepted").GetBoolean());
        Assert.Contains("Alarm.MaxMaintenanceMs", r[2].GetProperty("reason").GetString());
        Assert.Contains("local action", r[2].GetProperty("reason").GetString());
        Assert.True(r[3].GetProperty("accepted").GetBoolean(), r[3].GetProperty("reason").GetString());
        Assert.False(r[4].GetProperty("accepted").GetBoolean());
        Assert.Contains("already acknowledged", r[4].GetProperty("reason").GetString());
        Assert.Equal("reboot", r[5].GetProperty("command").GetString());
        Assert.Contains("unknown command 'reboot'", r[5].GetProperty("reason").GetString());
        Assert.Contains("unknown field 'why'", r[6].GetProperty("reason").GetString());
        foreach (var m in op.On("/cmd-result"))
            Assert.DoesNotContain(m.Payload, c => char.IsControl(c) || c is '\u202E' or '\u2066' or '\u200B');

        // every start, refusal and ack is stored, with the clean name
        var db = rig.H.Options.Storage.Path;
        await Wait.UntilAsync(() => OperatorEvents(db).Count >= 4, () => $"four operator events, got {OperatorEvents(db).Count}");
        Assert.Equal(
            [
                ("maintenance-start", "opsFORGED line[2J", "mqtt"),
                ("maintenance-refused", "ops", "mqtt"),
                ("ack", "ops", "mqtt"),
                ("ack-refused", "ops", "mqtt"),
            ],
            OperatorEvents(db)
        );
    }
}
