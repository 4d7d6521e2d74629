using System.Text.Json.Serialization;

namespace Kavach.Central.Hosting;

/// <summary>The alarm episode a post is in (docs/central.md, "The fleet API"): opened by the alert <paramref name="Seq"/>
/// (a rise in severity); <paramref name="Acknowledged"/> when the post answered an <c>ack</c> of that seq with an accepted
/// cmd-result (received at <paramref name="AcknowledgedAt"/>).</summary>
public sealed record FleetEpisode(long Seq, string Level, DateTimeOffset Ts, bool Acknowledged, DateTimeOffset? AcknowledgedAt);

/// <summary>One device as <c>/api/fleet</c> shows it. <paramref name="Online"/>: its status is online and it was heard
/// from within 1.5 × Fleet.KeepAliveS; <paramref name="State"/>: online, offline (its last will or a clean stop),
/// conflict, silent (nothing heard for too long) or null (no status yet). <paramref name="OpenGaps"/>: seq ranges still
/// missing over all its streams; <paramref name="MissingAlerts"/>: how many alerts they hold. <paramref name="Attention"/>:
/// the rank the list is sorted by (<see cref="FleetQuery.Ranks"/>).</summary>
public sealed record FleetDevice(
    string DeviceId,
    bool Online,
    string? State,
    string? Level,
    DateTimeOffset? LevelTs,
    DateTimeOffset? LastSeen,
    double? SilentS,
    string? Software,
    string? Commissioning,
    string? Epoch,
    long? LastSeq,
    long OpenGaps,
    long MissingAlerts,
    FleetEpisode? Episode,
    string Attention
);

public sealed record FleetView(
    DateTimeOffset Utc,
    int KeepAliveS,
    double OfflineAfterS,
    int Devices,
    int Online,
    IReadOnlyList<FleetDevice> Fleet
);

/// <summary>One alert of a device's history (<c>/api/devices/{id}/alerts</c>).</summary>
public sealed record HistoryAlert(
    string Epoch,
    long Seq,
    DateTimeOffset Ts,
    string Level,
    string? Previous,
    bool ClockSynced,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<string> Reasons,
    string? RaisedBy,
    bool Maintenance
);

/// <summary>A page of a device's history, newest first; <paramref name="Next"/>: pass it as <c>before</c> for the page after
/// (null when this page was the last).</summary>
public sealed record HistoryView(string DeviceId, IReadOnlyList<HistoryAlert> Alerts, DateTimeOffset? Next);

public sealed record ErrorView(string Error);

public sealed record HealthView(
    string Status,
    bool MqttConnected,
    long Received,
    long Committed,
    long AlertsNew,
    long Duplicates,
    long Rejects,
    long Batches,
    long FailedCommits,
    long Acknowledged
);

/// <summary>Source-generated JSON (trim-safe, no reflection) for the HTTP API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FleetView))]
[JsonSerializable(typeof(HistoryView))]
[JsonSerializable(typeof(ErrorView))]
[JsonSerializable(typeof(HealthView))]
public sealed partial class FleetJson : JsonSerializerContext;
