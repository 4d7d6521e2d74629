using System.Text.Json.Serialization;

namespace Kavach.Simulation;

// The JSON shape of a scenario file, exactly as written (nullable: presence is checked by ScenarioReader,
// which turns these into the validated Scenario records and names the key in every error).

internal sealed class ScenarioDocument
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public ulong? Seed { get; set; }
    public double? DurationS { get; set; }
    public double? ProtectedZoneM { get; set; }
    public string? Platform { get; set; }
    public TrainDocument? Train { get; set; }
    public List<TrackObjectDocument?>? Objects { get; set; }
    public ObstacleDocument? Obstacle { get; set; }
    public BackgroundDocument? Background { get; set; }
    public List<SensorDocument?>? Sensors { get; set; }
    public List<KeyframeDocument?>? Timeline { get; set; }
    public List<ExpectDocument?>? Expect { get; set; }
}

internal sealed class ObstacleDocument
{
    public double? Reflectivity { get; set; }
    public double? RcsDbsm { get; set; }
    public double? AzimuthDeg { get; set; }
}

internal sealed class BackgroundDocument
{
    public double? RangeM { get; set; }
    public double? Reflectivity { get; set; }
    public double? RcsDbsm { get; set; }
    public double? AzimuthDeg { get; set; }
}

internal sealed class SensorDocument
{
    public string? Name { get; set; }
    public string? Kind { get; set; }
    public string? Protocol { get; set; }
    public string? Variant { get; set; }
    public double? RateHz { get; set; }
    public double? K { get; set; }
    public double? Noise { get; set; }
    public double? RangeNoiseM { get; set; }
    public double? VelocityNoiseMps { get; set; }
    public double? MaxRangeM { get; set; }
    public double? Backscatter { get; set; }
    public int? ClutterPoints { get; set; }
    public double? ThresholdDb { get; set; }
    public double? TemperatureC { get; set; }
    public double? BeamDeg { get; set; }
    public double? FovDeg { get; set; }
    public string? Talker { get; set; }
    public List<FaultDocument?>? Faults { get; set; }
}

internal sealed class TrainDocument
{
    public List<SpeedKeyframeDocument?>? SpeedProfile { get; set; }
    public List<TrackSegmentDocument?>? Track { get; set; }
    public TrainStartDocument? Start { get; set; }
    public double? CorridorHalfWidthM { get; set; }
    public TrainRouteDocument? Route { get; set; }
}

internal sealed class TrainRouteDocument
{
    public string? File { get; set; }
    public string? Line { get; set; }
    public string? Direction { get; set; }
    public double? StartM { get; set; }
}

internal sealed class SpeedKeyframeDocument
{
    [JsonPropertyName("tS")]
    public double? TimeS { get; set; }
    public double? SpeedKmh { get; set; }
}

internal sealed class TrackSegmentDocument
{
    public double? LengthM { get; set; }
    public double? RadiusM { get; set; }
    public string? Direction { get; set; }
}

internal sealed class TrainStartDocument
{
    public double? LatitudeDeg { get; set; }
    public double? LongitudeDeg { get; set; }
    public double? CourseDeg { get; set; }
    public double? AltitudeM { get; set; }
    public string? Utc { get; set; }
}

internal sealed class TrackObjectDocument
{
    public string? Name { get; set; }
    public double? AtM { get; set; }
    public double? EveryM { get; set; }
    public double? UntilM { get; set; }
    public double? LateralM { get; set; }
    public double? WidthM { get; set; }
    public double? Reflectivity { get; set; }
    public double? RcsDbsm { get; set; }
    public double? SpeedMps { get; set; }
    public double? FromS { get; set; }
    public double? ToS { get; set; }
}

internal sealed class FaultDocument
{
    public string? Type { get; set; }
    public double? FromS { get; set; }
    public double? ToS { get; set; }
    public double? Probability { get; set; }
}

internal sealed class KeyframeDocument
{
    [JsonPropertyName("tS")]
    public double? TimeS { get; set; }
    public double? VisibilityM { get; set; }
    public ObstacleKeyframeDocument? Obstacle { get; set; }
}

internal sealed class ObstacleKeyframeDocument
{
    public double? RangeM { get; set; }
    public double? ClosingSpeedMps { get; set; }
}

internal sealed class ExpectDocument
{
    public double? FromS { get; set; }
    public double? ToS { get; set; }
    public string? Level { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    PropertyNameCaseInsensitive = false
)]
[JsonSerializable(typeof(ScenarioDocument))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
