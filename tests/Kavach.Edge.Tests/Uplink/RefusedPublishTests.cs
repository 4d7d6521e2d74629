using System.Text.Json;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Storage;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Tests.Uplink;

/// <summary>
/// One refused message must not block the outbox (issue 14, item 6), against a real mosquitto whose ACL refuses
/// our status topic and whose message_size_limit refuses one oversized alert (PUBACK 0x87, 0x95 in MQTT 5).
/// </summary>
public class RefusedPublishTests
{
    [Fact]
    public async Task A_refused_alert_goes_to_the_dead_letter_table_a_rejected_record_names_its_seq_and_the_rest_arrive_and_a_refused_status_blocks_nothing()
    {
        using var dir = Repo.NewTempDir();
        var acl = dir.File("acl");
        await File.WriteAllLinesAsync(acl, ["topic readwrite #", "topic deny kavach/+/status"]);
        await using var broker = await MosquittoProcess.StartAsync([$"acl_file {acl}", "message_size_limit 4000"]);
        await using var rig = new UplinkRig(broker.Port);
        await using var sub = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/alerts");
        await rig.StartAsync();

        rig.Publish(RiskLevel.Low); // seq 1
        var big = EventStoreTests.State(100, RiskLevel.High, rig.H.Time.GetUtcNow()) with
        {
            Reasons = [.. Enumerable.Range(0, 80).Select(i => $"reason {i}: obstacle 62 m in zone (radar), closing at 4.2 m/s")],
        };
        rig.H.Broadcaster.Publish(big); // seq 2: over the broker's limit
        rig.Publish(RiskLevel.Low); // seq 3
        await Wait.UntilAsync(
            () => sub.On("/alerts").Count >= 3,
            () => $"alert 1, the rejected record, alert 3 (got {sub.On("/alerts").Count})"
        );

        var messages = sub.On("/alerts").Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        Assert.Equal(["alert", "rejected", "alert"], messages.Select(m => m.GetProperty("type").GetString()));
        Assert.Equal(
            [1L, 3L],
            messages.Where(m => m.GetProperty("type").GetString() == "alert").Select(m => m.GetProperty("seq").GetInt64())
        );
        var rejected = messages[1];
        Assert.Equal((2L, 2L), (rejected.GetProperty("fromSeq").GetInt64(), rejected.GetProperty("toSeq").GetInt64()));
        Assert.StartsWith("reason code 0x95", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal); // packet too large
        Assert.Empty(
            SchemaCheck.Validate(Path.Combine(Repo.Root, "docs", "schemas", "rejected.schema.json"), sub.On("/alerts")[1].Payload)
        );
        Assert.Equal(1, rig.Uplink.DeadLettered);
        Assert.True(
            rig.Log.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "refused our publish to kavach/"),
            "the refused status is logged"
        );
        Assert.False(rig.Log.Has(Microsoft.Extensions.Logging.LogLevel.Error, ""), string.Join("\n", rig.Log.Lines));

        using var db = new SqliteConnection($"Data Source={rig.H.Options.Storage.Path};Pooling=False;Mode=ReadOnly");
        db.Open();
        await Wait.UntilAsync(() => (long)EventStoreTests.Scalar(db, "SELECT COUNT(*) FROM outbox;")! == 0, "the outbox empty");
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT kind, seq_from, reason, length(payload) FROM dead_letter;";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(("alert", 2L), (r.GetString(0), r.GetInt64(1)));
        Assert.StartsWith("reason code 0x95", r.GetString(2), StringComparison.Ordinal);
        Assert.True(r.GetInt64(3) > 4000);
        Assert.False(r.Read());
    }
}
