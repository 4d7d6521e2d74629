using System.Text.Json;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;
using Kavach.Edge.Uplink;

namespace Kavach.Edge.Tests.Uplink;

/// <summary>
/// The identity guard's semantics in process (two uplinks, one real mosquitto): a predecessor's retained
/// status is not a conflict; a conflict clears by itself once the other unit has gone.
/// </summary>
public class IdentityHoldBackTests
{
    private static readonly string StatusSchema = Path.Combine(Repo.Root, "docs", "schemas", "status.schema.json");

    private static void AssertSchema(string payload)
    {
        var errors = SchemaCheck.Validate(StatusSchema, payload);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + payload);
    }

    private static readonly Dictionary<string, string?> FastHoldOff = new() { ["Uplink:IdConflictHoldOffMs"] = "1000" };

    [Fact]
    public async Task A_predecessors_retained_online_status_is_not_a_conflict()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var rig = new UplinkRig(broker.Port, FastHoldOff);
        await using var sub = await TestSubscriber.StartAsync(broker.Port, $"kavach/{rig.DeviceId}/#");
        // a unit that lost power before the broker sent its will left this behind
        await sub.PublishAsync(
            $"kavach/{rig.DeviceId}/status",
            """{"state":"online","instance":"0123456789abcdef","version":"0.1.0","startedAt":"2026-01-01T00:00:00Z"}""",
            expiryS: 0,
            retain: true
        );
        await rig.StartAsync();
        rig.Publish(RiskLevel.Low);
        await Wait.UntilAsync(
            () => sub.On("/alerts").Count >= 1,
            () => "the alert; log: " + string.Join(" / ", rig.Log.Lines.Select(l => l.Message))
        );
        await Wait.UntilAsync(
            () => sub.On("/status").Any(m => m.Payload.Contains(rig.Uplink.InstanceId, StringComparison.Ordinal)),
            "our online status"
        );
        var payload = sub.On("/status").Last(m => m.Payload.Contains(rig.Uplink.InstanceId, StringComparison.Ordinal)).Payload;
        AssertSchema(payload);
        var online = JsonDocument.Parse(payload).RootElement;
        Assert.Equal("online", online.GetProperty("state").GetString());
        Assert.Matches("^[0-9a-f]{16}$", online.GetProperty("instance").GetString());
        Assert.False(rig.H.Faults.IsActive(IdentityGuard.Component));
        Assert.Null(rig.Uplink.IdConflict);
    }

    [Fact]
    public async Task Two_uplinks_with_one_id_hold_back_and_the_survivor_clears_once_the_other_has_gone()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var a = new UplinkRig(broker.Port, FastHoldOff);
        await using var sub = await TestSubscriber.StartAsync(broker.Port, $"kavach/{a.DeviceId}/#");
        await a.StartAsync();
        await Wait.UntilAsync(() => a.Uplink.Connected, "A connected");
        var b = new UplinkRig(broker.Port, FastHoldOff);
        await b.StartAsync();
        await Wait.UntilAsync(
            () => a.Uplink.IdConflict is not null && b.Uplink.IdConflict is not null,
            () =>
                $"both held back; A: {a.Uplink.IdConflict}, B: {b.Uplink.IdConflict}\nA: {string.Join(" / ", a.Log.Lines.Select(l => l.Message))}\nB: {string.Join(" / ", b.Log.Lines.Select(l => l.Message))}"
        );
        Assert.True(a.H.Faults.IsActive(IdentityGuard.Component) && b.H.Faults.IsActive(IdentityGuard.Component));
        Assert.Contains("uplink: another unit uses device id test-unit", a.H.Faults.Snapshot());
        var conflict = Assert.Single(
            sub.On("/status").Where(m => m.Payload.Contains("\"state\":\"conflict\"", StringComparison.Ordinal)).Take(1)
        );
        AssertSchema(conflict.Payload);
        Assert.Contains("another unit uses device id test-unit", conflict.Payload, StringComparison.Ordinal);

        // while both are there, neither clears (each look is cut by the other's) and no alert goes out as the shared id
        a.Publish(RiskLevel.High);
        await Task.Delay(TimeSpan.FromSeconds(4)); // four hold-offs: an observation window, not a synchronisation
        Assert.NotNull(a.Uplink.IdConflict);
        Assert.NotNull(b.Uplink.IdConflict);
        Assert.Empty(sub.On("/alerts"));

        await b.DisposeAsync(); // the other unit is renamed and restarted elsewhere
        await Wait.UntilAsync(
            () => a.Uplink.IdConflict is null && a.Uplink.Connected,
            () => "A clears; A: " + string.Join(" / ", a.Log.Lines.Select(l => l.Message)),
            TimeSpan.FromSeconds(15)
        );
        Assert.False(a.H.Faults.IsActive(IdentityGuard.Component));
        await Wait.UntilAsync(() => sub.On("/alerts").Count >= 1, "the held alert, delivered after the conflict cleared");
    }
}
