using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Kavach.Edge.Uplink;

namespace Kavach.Central.Tests.Support;

/// <summary>Payloads written by the daemon's own writers (AlertJson, UplinkJson): the central reads what a post really sends.</summary>
public static class DevicePayloads
{
    public static readonly RiskLevel[] Cycle = [RiskLevel.Low, RiskLevel.Medium, RiskLevel.High, RiskLevel.Fault];

    public static string Alert(string deviceId, string epoch, long seq, RiskLevel level, DateTimeOffset utc) =>
        Alert(deviceId, epoch, seq, level, seq > 1 ? Cycle[(seq - 2) % Cycle.Length] : null, utc);

    /// <summary>An alert with the level it rose or fell from (<paramref name="previous"/>; null: the device's first).</summary>
    public static string Alert(string deviceId, string epoch, long seq, RiskLevel level, RiskLevel? previous, DateTimeOffset utc)
    {
        var state = new RiskState
        {
            Change = seq,
            Level = level,
            Previous = previous,
            Utc = utc,
            Reasons = [$"test alert {seq}"],
            RaisedBy = "floor",
            Floor = new FloorAssessment { Level = level, Reasons = [$"test alert {seq}"] },
        };
        var context = new AlertContext(
            deviceId,
            "0.1.0",
            "3f9c1e07a2b4d658",
            true,
            false,
            [new AlertSensor("lidar", "lidar", "live", 0.01)]
        );
        return AlertJson.Alert(state, Guid.CreateVersion7(), epoch, seq, previous is { } p ? RiskLevels.Name(p) : null, context);
    }

    /// <summary>The alert of <paramref name="seq"/> in the test cycle of levels, stamped <paramref name="seq"/> seconds after
    /// 2026-12-01.</summary>
    public static string Alert(string deviceId, string epoch, long seq) =>
        Alert(
            deviceId,
            epoch,
            seq,
            Cycle[(seq - 1) % Cycle.Length],
            new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seq)
        );

    public static string Online(string instance) => UplinkJson.Online("0.1.0", DateTimeOffset.UtcNow, instance, [], "b07d2c41e9a35f18");

    public static string Telemetry(string deviceId) =>
        UplinkJson.Telemetry(deviceId, DateTimeOffset.UtcNow, RiskLevel.Low, 0, 0, true, null, []);

    public static string CommandResult(string deviceId, string command, bool accepted, string reason, long? seq) =>
        UplinkJson.CommandResult(deviceId, command, accepted, reason, seq, DateTimeOffset.UtcNow);

    public static string Offline(string instance) => UplinkJson.Offline(instance);

    public static string Shed(string deviceId, string epoch, long from, long to) =>
        AlertJson.Shed(deviceId, epoch, from, to, DateTimeOffset.UtcNow);
}
