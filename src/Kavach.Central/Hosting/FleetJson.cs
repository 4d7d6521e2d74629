using System.Text.Json.Serialization;

namespace Kavach.Central.Hosting;

/// <summary>One device as <c>/fleet</c> shows it. <paramref name="OpenGaps"/>: seq ranges still missing over all its streams;
/// <paramref name="MissingAlerts"/>: how many alerts they hold.</summary>
public sealed record FleetDevice(
    string DeviceId,
    bool Online,
    string? State,
    string? Level,
    DateTimeOffset? LevelTs,
    DateTimeOffset? LastSeen,
    string? Software,
    string? Commissioning,
    string? Epoch,
    long? LastSeq,
    long OpenGaps,
    long MissingAlerts
);

public sealed record FleetView(DateTimeOffset Utc, int Devices, int Online, IReadOnlyList<FleetDevice> Fleet);

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
[JsonSerializable(typeof(HealthView))]
public sealed partial class FleetJson : JsonSerializerContext;
