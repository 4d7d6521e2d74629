namespace Kavach.Contracts;

/// <summary>
/// What a receiver keys and indexes of one alert on <c>kavach/DEVICE/alerts</c> (docs/alerts.md; schema
/// docs/schemas/alert.schema.json). The whole payload is kept beside it as sent. <paramref name="Epoch"/> is ""
/// for an alert committed by a daemon before schema v4 (no epoch): it is then keyed by device and seq alone.
/// </summary>
public sealed record AlertRecord(
    Guid Id,
    string DeviceId,
    string Epoch,
    long Seq,
    DateTimeOffset Ts,
    string Level,
    string? Previous,
    bool ClockSynced
);

/// <summary>The daemon's announcement that seq <paramref name="FromSeq"/>..<paramref name="ToSeq"/> of an epoch were
/// dropped from its full outbox and will never arrive (docs/schemas/shed.schema.json).</summary>
public sealed record ShedRecord(string DeviceId, string Epoch, long FromSeq, long ToSeq, DateTimeOffset Ts);

/// <summary>The retained status on <c>kavach/DEVICE/status</c> (docs/schemas/status.schema.json): <c>online</c>,
/// <c>offline</c> (the last will and a clean stop) or <c>conflict</c>; version, start and commissioning only when online.</summary>
public sealed record StatusRecord(string State, string Instance, string? Version, DateTimeOffset? StartedAt, string? Commissioning);

/// <summary>A post's answer to a command, on <c>kavach/DEVICE/cmd-result</c> (docs/schemas/cmd-result.schema.json):
/// <paramref name="Seq"/> is the alert seq an <c>ack</c> named. The command's MQTT 5 correlation data travels beside it, as
/// a message property.</summary>
public sealed record CommandResultRecord(string DeviceId, string Command, bool Accepted, string Reason, long? Seq, DateTimeOffset Ts);

/// <summary>The alert levels as the daemon writes them.</summary>
public static class AlertLevels
{
    public const string Low = "LOW",
        Medium = "MEDIUM",
        High = "HIGH",
        Fault = "FAULT";

    public static bool IsKnown(string level) => level is Low or Medium or High or Fault;
}
