using System.Text.Json.Serialization;
using Kavach.Edge.Storage;

namespace Kavach.Edge.Api;

// The API's JSON shapes (docs/api.md documents each). Numbers that may be unknown are null, never NaN.

public sealed record PingReply(bool Pong, string Device, string Version, DateTimeOffset Utc);

/// <summary>The one error shape: a stable code, and a detail for 4xx caused by the request (never a stack trace).</summary>
public sealed record ApiError(string Error, string? Detail = null);

public sealed record HealthComponent(string Name, bool Ok, string Detail);

/// <summary>
/// <c>/health</c>: <see cref="Status"/> ("ok"/"fault") and a short <see cref="Reason"/> naming the failing
/// components (never their details) for anyone; the level and each component's detail (which may quote an
/// exception's message) only for a caller with the key (null, and left out, otherwise). <see cref="Degradations"/> (key
/// only, like the components): what is wrong without making the unit FAULT (not commissioned, a sensor's reach short of
/// the zone); each is also a component with ok true and a "degraded: …" detail.
/// </summary>
public sealed record Health(
    string Status,
    string Reason,
    DateTimeOffset Utc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Level,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<HealthComponent>? Components,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Degradations = null
);

public sealed record Visibility(double? M, bool Bound, string Source, string FogClass);

public sealed record Obstacle(bool Present, double? RangeM, double? ClosingSpeedMps, double? TtcS, string? Source);

public sealed record SensorHealth(
    string Name,
    string Kind,
    bool Required,
    string Connection,
    int Clients,
    long Frames,
    long Rejects,
    IReadOnlyDictionary<string, long> RejectsByReason,
    long Dropped,
    double? LastFrameAgeS,
    bool EverSeen,
    bool Stale,
    bool Frozen,
    bool Live
);

/// <summary>The alarm outputs: the pattern being shown ("low", "medium", "high", "fault", "starting", "maintenance", …) and each line now
/// ("on"/"off"; blinking lines change between reads).</summary>
public sealed record Outputs(string Pattern, string Green, string Amber, string Red, string Buzzer, bool BuzzerSilenced);

public sealed record AlarmInfo(long Episode, bool BuzzerSilenced, bool Maintenance, DateTimeOffset? MaintenanceUntil);

public sealed record ComponentState(string State, string? Detail = null)
{
    /// <summary>Commissioning: the record's hash (null otherwise; omitted from the JSON when null).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Hash { get; init; }
}

public sealed record PipelineInfo(long Ticks, double? LastTickAgeMs);

public sealed record Status(
    string Device,
    string Version,
    DateTimeOffset Utc,
    double UptimeS,
    string Level,
    string? Previous,
    long Change,
    DateTimeOffset Since,
    IReadOnlyList<string> Reasons,
    string RaisedBy,
    bool Starting,
    IReadOnlyList<string> Faults,
    Visibility Visibility,
    Obstacle Obstacle,
    IReadOnlyList<SensorHealth> Sensors,
    Outputs Outputs,
    AlarmInfo Alarm,
    ComponentState Model,
    ComponentState Uplink,
    PipelineInfo Pipeline,
    ComponentState? Commissioning = null,
    IReadOnlyList<string>? Degradations = null
)
{
    /// <summary>Locomotive mode with a gnss sensor: the own speed, km/h, or null when <see cref="SpeedTrust"/> is not
    /// "trusted". The key is left out when no gnss sensor is configured.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NullableKmh? OwnSpeedKmh { get; init; }

    /// <summary>Locomotive mode with a gnss sensor: whether the own speed can be used ("trusted") or why not ("never-seen",
    /// "no-fix", "dead-reckoning", "poor-geometry", "stale"). Left out when no gnss sensor is configured.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SpeedTrust { get; init; }

    /// <summary>Locomotive mode: the cab's floor at the last tick (<see cref="CabStatus"/>, telemetry's "cab"), null before its first
    /// assessment or after a tick whose floor failed. The key is left out on a trackside unit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NullableCab? Cab { get; init; }
}

/// <summary>
/// The "cab" object of a locomotive unit, one shape for /api/status, alerts and telemetry (docs/schemas/telemetry.schema.json):
/// the own speed against the stop-within-sight speed. Unknown numbers are null.
/// </summary>
/// <param name="OwnSpeedKmh">The train's speed, km/h to 0.1; null when <see cref="SpeedTrust"/> is not "trusted".</param>
/// <param name="SpeedTrust">"trusted", "never-seen", "no-fix", "dead-reckoning", "poor-geometry" or "stale".</param>
/// <param name="SightSpeedKmh">The stop-within-sight speed, whole km/h rounded down; null when the visibility is unknown.</param>
/// <param name="SightDistanceM">min(visibility, longest working sensor reach), m.</param>
/// <param name="LimitedBy">What limits <see cref="SightDistanceM"/>: "visibility" or "reach" (null when unknown).</param>
/// <param name="OverSpeed">The over-speed MEDIUM stands.</param>
/// <param name="CurveRadiusM">Signed curve radius, m, right positive; null on straight track or when unknown.</param>
/// <param name="CoveredM">How far ahead the sensors' view stays on the track, m.</param>
/// <param name="Route">Where the train is on its route and the next landmarks (<see cref="RouteStatus"/>); null when no route
/// is loaded.</param>
public sealed record CabStatus(
    double? OwnSpeedKmh,
    string SpeedTrust,
    double? SightSpeedKmh,
    double? SightDistanceM,
    string? LimitedBy,
    bool OverSpeed,
    double? CurveRadiusM,
    double? CoveredM,
    RouteStatus? Route = null
)
{
    public static CabStatus From(Locomotive.CabView cab) =>
        new(
            Finite(Math.Round(cab.OwnSpeedKmh, 1)),
            Locomotive.LocomotiveFloor.SpeedTrustName(cab.SpeedTrust),
            Finite(cab.SightSpeedKmh),
            Finite(Math.Round(cab.Sight.DistanceM)),
            double.IsNaN(cab.Sight.DistanceM) ? null
                : cab.Sight.LimitedByReach ? "reach"
                : "visibility",
            cab.OverSpeed,
            Finite(Math.Round(cab.RadiusM)),
            Finite(Math.Round(cab.CoveredM)),
            cab.Route is { } route ? RouteStatus.From(route) : null
        );

    internal static double? Finite(double v) => double.IsFinite(v) ? v : null;
}

/// <summary>
/// The route in the cab object (docs/route.md): "on-route" with the line, direction and next landmarks, or
/// "position-unknown" with the reason and no landmark at all (never a stale "next signal in 300 m").
/// </summary>
/// <param name="State">"on-route" or "position-unknown".</param>
/// <param name="Reason">Why unknown ("no-fix", "gnss-not-trusted", "stale", "acquiring", "off-route", "outliers"); null when on
/// the route.</param>
/// <param name="Line">The line's id; null when unknown.</param>
/// <param name="Direction">"up" or "down"; null when unknown (no landmark is given then).</param>
/// <param name="ChainageM">Metres along the line from its first point; null when unknown.</param>
/// <param name="Next">The next landmarks ahead (at most three), nearest first.</param>
public sealed record RouteStatus(
    string State,
    string? Reason,
    string? Line,
    string? Direction,
    double? ChainageM,
    IReadOnlyList<LandmarkStatus> Next
)
{
    public static RouteStatus From(Route.RouteView view)
    {
        var p = view.Position;
        var next = new LandmarkStatus[view.Ahead.Length];
        var ahead = view.Ahead.Span;
        for (var i = 0; i < next.Length; i++)
            next[i] = LandmarkStatus.From(ahead[i]);
        return new(view.StateName, view.ReasonName, p.Line, view.DirectionName, CabStatus.Finite(Math.Round(p.ChainageM)), next);
    }
}

/// <summary>One landmark ahead.</summary>
/// <param name="Kind">"signal", "level-crossing", "station", "speed-restriction", "bridge", "neutral-section" or "custom".</param>
/// <param name="Name">Its name as the crew knows it.</param>
/// <param name="DistanceM">Distance along the line, m, whole metres.</param>
/// <param name="TimeS">Time to reach it at the current speed, whole seconds; null when standing.</param>
/// <param name="SpeedLimitKmh">A speed restriction's permitted speed, km/h; null for the other kinds.</param>
/// <param name="KmPost">Its kilometre post, km; null when the route does not give it.</param>
public sealed record LandmarkStatus(string Kind, string Name, double DistanceM, double? TimeS, double? SpeedLimitKmh, double? KmPost)
{
    public static LandmarkStatus From(in Route.LandmarkAhead a) =>
        new(
            Route.RouteNames.Kind(a.Landmark.Kind),
            a.Landmark.Name,
            Math.Round(a.DistanceM),
            CabStatus.Finite(Math.Round(a.TimeS)),
            CabStatus.Finite(a.Landmark.SpeedLimitKmh),
            CabStatus.Finite(a.Landmark.KmPost)
        );
}

/// <summary>The cab in /api/status: the object, or null while a locomotive unit has none; like <see cref="NullableKmh"/>, the key stays
/// when the value is unknown.</summary>
[JsonConverter(typeof(NullableCabConverter))]
public readonly record struct NullableCab(CabStatus? Value);

internal sealed class NullableCabConverter : JsonConverter<NullableCab>
{
    public override bool HandleNull => true;

    public override NullableCab Read(
        ref System.Text.Json.Utf8JsonReader reader,
        Type typeToConvert,
        System.Text.Json.JsonSerializerOptions options
    ) =>
        new(
            reader.TokenType == System.Text.Json.JsonTokenType.Null
                ? null
                : System.Text.Json.JsonSerializer.Deserialize(ref reader, ApiJson.Default.CabStatus)
        );

    public override void Write(System.Text.Json.Utf8JsonWriter writer, NullableCab value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value.Value is { } cab)
            System.Text.Json.JsonSerializer.Serialize(writer, cab, ApiJson.Default.CabStatus);
        else
            writer.WriteNullValue();
    }
}

/// <summary>A number that may be unknown, written as the number or as null: unlike a plain <c>double?</c>, whose null a
/// WhenWritingNull rule would leave out, the key stays when the value is unknown.</summary>
[JsonConverter(typeof(NullableKmhConverter))]
public readonly record struct NullableKmh(double? Value);

internal sealed class NullableKmhConverter : JsonConverter<NullableKmh>
{
    public override bool HandleNull => true;

    public override NullableKmh Read(
        ref System.Text.Json.Utf8JsonReader reader,
        Type typeToConvert,
        System.Text.Json.JsonSerializerOptions options
    ) => new(reader.TokenType == System.Text.Json.JsonTokenType.Null ? null : reader.GetDouble());

    public override void Write(System.Text.Json.Utf8JsonWriter writer, NullableKmh value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value.Value is { } v)
            writer.WriteNumberValue(v);
        else
            writer.WriteNullValue();
    }
}

public sealed record AckRequest(long? Episode, string? By);

public sealed record MaintenanceRequest(int? Minutes, bool? End, string? By);

public sealed record SessionRequest(string? Key);

public sealed record CommandResult(
    bool Accepted,
    string Reason,
    long Episode,
    bool BuzzerSilenced,
    bool Maintenance,
    DateTimeOffset? MaintenanceUntil
);

// WebSocket messages: every one has "type".

public sealed record HelloMessage(string Type, string Device, string Version, DateTimeOffset Utc);

public sealed record LevelMessage(
    string Type,
    long Change,
    string Level,
    string? Previous,
    DateTimeOffset Utc,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Faults,
    string RaisedBy,
    bool Alert
);

public sealed record OperatorMessage(string Type, string Kind, string By, string Source, DateTimeOffset Utc, long Episode, string Detail);

public sealed record StatusMessage(string Type, Status Status);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict
)]
[JsonSerializable(typeof(PingReply))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(Health))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(CabStatus))]
[JsonSerializable(typeof(RouteStatus))]
[JsonSerializable(typeof(EventPage))]
[JsonSerializable(typeof(IncidentReport))]
[JsonSerializable(typeof(TrendPage))]
[JsonSerializable(typeof(AckRequest))]
[JsonSerializable(typeof(MaintenanceRequest))]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(HelloMessage))]
[JsonSerializable(typeof(LevelMessage))]
[JsonSerializable(typeof(OperatorMessage))]
[JsonSerializable(typeof(StatusMessage))]
internal sealed partial class ApiJson : JsonSerializerContext;
