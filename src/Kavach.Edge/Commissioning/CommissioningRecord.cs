using System.Text.Json.Serialization;

namespace Kavach.Edge.Commissioning;

// The commissioning record (docs/schemas/commissioning.schema.json, docs/commissioning.md). Written by
// `kavach-edge commission`, read by the daemon at start. Versioned: a reader refuses a version it does not know.

/// <summary>What `commission` learned of one post's static scene in clear air with the track empty.</summary>
public sealed record CommissioningRecord(
    string Schema,
    int Version,
    DateTimeOffset CreatedUtc,
    string Software,
    string DeviceId,
    string ConfigHash,
    double Seconds,
    double ZoneM,
    double ObstacleBelowReferenceDb,
    RecordReference? Reference,
    IReadOnlyList<RecordSensor> Sensors
)
{
    public const string SchemaName = "kavach-commissioning";
    public const int CurrentVersion = 1;
}

/// <summary>The reference target: a static return beside the track that the floor passes over and measures fog on.</summary>
/// <param name="RangeM">Its range, m.</param>
/// <param name="SeenBy">The sensors that saw it (names).</param>
/// <param name="Source">"measured" or "configuration" (Risk.ReferenceRangeM set by hand).</param>
public sealed record RecordReference(double RangeM, IReadOnlyList<string> SeenBy, string Source);

/// <summary>One configured sensor: its identity (a record is refused when these differ from the configuration) and what it saw.</summary>
/// <param name="Protocol">Wire format, with the tf-series variant ("tf-series tf03").</param>
/// <param name="Transport">"tcp-listen 0.0.0.0:9000", "serial /dev/ttyAMA0", "mqtt host:1883 topic", ...</param>
public sealed record RecordSensor(
    string Name,
    string Kind,
    string Protocol,
    string Transport,
    long Frames,
    LidarScene? Lidar,
    RadarScene? Radar,
    RecordCoverage? Coverage
);

/// <summary>A LiDAR's static scene and clear-air baseline.</summary>
/// <param name="NoReturnFraction">Frames without a return.</param>
/// <param name="BaselineStrength">Clear-air return strength at <paramref name="BaselineRangeM"/>; null when nothing measurable (no static
/// return, or saturated).</param>
public sealed record LidarScene(
    double NoReturnFraction,
    IReadOnlyList<LidarReturn> StaticReturns,
    double? BaselineStrength,
    double? BaselineRangeM,
    double MinStrength,
    double MaxStrength,
    double? MaxRangeM
);

/// <summary>A persistent LiDAR return: median range and strength, range spread (1σ), fraction of frames.</summary>
public sealed record LidarReturn(double RangeM, double Strength, double SpreadM, double Presence, bool Saturated);

/// <summary>A radar's static targets (every point of the cloud, below the clutter gate too) and its gate.</summary>
public sealed record RadarScene(double MinSnrDb, IReadOnlyList<RadarTarget> StaticTargets, double MovingFraction);

/// <summary>A static radar target: median range, SNR (null when the radar sends none), speed, fraction of frames.</summary>
public sealed record RadarTarget(double RangeM, double? SnrDb, double SpeedMps, double Presence, bool AboveMinSnr);

/// <summary>A sensor's reach against the zone.</summary>
/// <param name="ReachM">How far it sees an obstacle; null when it could not be measured.</param>
/// <param name="Measured">Measured on a static return (else the datasheet's MaxRangeM).</param>
/// <param name="ZoneEdgeMarginDb">Radar: SNR margin over MinSnrDb of the smallest obstacle at the zone edge.</param>
/// <param name="Covered">Reach at least the zone.</param>
/// <param name="Detail">What a technician reads ("radar sees 125 m of a 150 m zone: lower MinSnrDb or move the post").</param>
public sealed record RecordCoverage(double? ReachM, bool Measured, double? ZoneEdgeMarginDb, bool Covered, string Detail);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true
)]
[JsonSerializable(typeof(CommissioningRecord))]
internal sealed partial class CommissioningJson : JsonSerializerContext;
