using System.Text.Json;
using Kavach.Protocols;

namespace Kavach.Simulation;

/// <summary>Turns scenario JSON into a validated <see cref="Scenario"/>; every error names the file and the key.</summary>
internal static partial class ScenarioReader
{
    public static Scenario Read(string json, string source, Func<string, List<string>, string?> readRoute)
    {
        ScenarioDocument? doc;
        try
        {
            doc = JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.ScenarioDocument);
        }
        catch (JsonException e)
        {
            throw new ScenarioException($"{source}: {Key(e.Path)}: {Describe(e)}", e);
        }
        if (doc is null)
            throw new ScenarioException($"{source}: the document is null; expected a scenario object");

        var errors = new List<string>();
        var scenario = Convert(doc, errors, readRoute);
        if (errors.Count == 0)
            Check(scenario!, errors);
        Throw(source, errors);
        return scenario!;
    }

    public static void Validate(Scenario scenario, string source)
    {
        var errors = new List<string>();
        Check(scenario, errors);
        Throw(source, errors);
    }

    private static void Throw(string source, List<string> errors)
    {
        if (errors.Count > 0)
            throw new ScenarioException(string.Join(Environment.NewLine, errors.Select(e => $"{source}: {e}")));
    }

    // "$.sensors[0].rateHz" -> "sensors[0].rateHz"
    private static string Key(string? path) => string.IsNullOrEmpty(path) || path == "$" ? "(document)" : path.TrimStart('$', '.');

    private static string Describe(JsonException e)
    {
        var m = e.Message;
        if (m.Contains("could not be mapped", StringComparison.Ordinal))
            return "unknown key";
        if (m.Contains("could not be converted", StringComparison.Ordinal))
            return $"wrong type of value (expected {TypeWord(m)})";
        var cut = m.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? m[..cut] : m;
    }

    private static string TypeWord(string message) =>
        message.Contains("System.Double", StringComparison.Ordinal)
        || message.Contains("System.Int", StringComparison.Ordinal)
        || message.Contains("System.UInt", StringComparison.Ordinal)
            ? "a number"
        : message.Contains("System.String", StringComparison.Ordinal) ? "a string"
        : message.Contains("List`1", StringComparison.Ordinal) ? "an array"
        : "an object";

    private static Scenario? Convert(ScenarioDocument d, List<string> errors, Func<string, List<string>, string?> readRoute)
    {
        if (string.IsNullOrWhiteSpace(d.Name))
            errors.Add("name: required (a non-empty string)");
        if (d.DurationS is null)
            errors.Add("durationS: required (seconds)");
        if (d.Sensors is null)
            errors.Add("sensors: required (an array of sensors)");
        if (d.Timeline is null)
            errors.Add("timeline: required (an array of keyframes)");

        var sensors = new List<SensorSpec>();
        for (var i = 0; d.Sensors is not null && i < d.Sensors.Count; i++)
        {
            var s = ConvertSensor(d.Sensors[i], $"sensors[{i}]", errors);
            if (s is not null)
                sensors.Add(s);
        }

        var timeline = new List<Keyframe>();
        for (var i = 0; d.Timeline is not null && i < d.Timeline.Count; i++)
        {
            var k = d.Timeline[i];
            var key = $"timeline[{i}]";
            if (k is null)
            {
                errors.Add($"{key}: must be an object");
                continue;
            }
            if (k.TimeS is null)
                errors.Add($"{key}.tS: required (seconds)");
            if (k.VisibilityM is null)
                errors.Add($"{key}.visibilityM: required (metres)");
            ObstacleKeyframe? o = null;
            if (k.Obstacle is not null)
            {
                if (k.Obstacle.RangeM is null)
                    errors.Add($"{key}.obstacle.rangeM: required (metres), or make obstacle null");
                else
                    o = new ObstacleKeyframe { RangeM = k.Obstacle.RangeM.Value, ClosingSpeedMps = k.Obstacle.ClosingSpeedMps };
            }
            if (k.TimeS is not null && k.VisibilityM is not null)
                timeline.Add(
                    new Keyframe
                    {
                        TimeS = k.TimeS.Value,
                        VisibilityM = k.VisibilityM.Value,
                        Obstacle = o,
                    }
                );
        }

        var expect = new List<Expectation>();
        for (var i = 0; d.Expect is not null && i < d.Expect.Count; i++)
        {
            var e = d.Expect[i];
            var key = $"expect[{i}]";
            if (e is null)
            {
                errors.Add($"{key}: must be an object");
                continue;
            }
            if (e.FromS is null)
                errors.Add($"{key}.fromS: required (seconds)");
            if (e.ToS is null)
                errors.Add($"{key}.toS: required (seconds)");
            if (!SimNames.TryParse(e.Level, out ExpectedRisk level))
                errors.Add($"{key}.level: '{e.Level}' is not one of {SimNames.AllRisks}");
            else if (e.FromS is not null && e.ToS is not null)
                expect.Add(new Expectation(e.FromS.Value, e.ToS.Value, level));
        }

        BackgroundTarget? background = null;
        if (d.Background is not null)
        {
            if (d.Background.RangeM is null)
                errors.Add("background.rangeM: required (metres), or make background null");
            else
            {
                var b = new BackgroundTarget { RangeM = d.Background.RangeM.Value };
                background = b with
                {
                    Reflectivity = d.Background.Reflectivity ?? b.Reflectivity,
                    RcsDbsm = d.Background.RcsDbsm ?? b.RcsDbsm,
                    AzimuthDeg = d.Background.AzimuthDeg ?? b.AzimuthDeg,
                };
            }
        }

        var obstacle = new ObstacleProperties();
        if (d.Obstacle is not null)
        {
            obstacle = obstacle with
            {
                Reflectivity = d.Obstacle.Reflectivity ?? obstacle.Reflectivity,
                RcsDbsm = d.Obstacle.RcsDbsm ?? obstacle.RcsDbsm,
                AzimuthDeg = d.Obstacle.AzimuthDeg ?? obstacle.AzimuthDeg,
            };
        }

        var (platform, train, objects) = ConvertLocomotive(d, errors, readRoute);

        if (errors.Count > 0)
            return null;
        return new Scenario
        {
            Platform = platform,
            Train = train,
            Objects = objects,
            Name = d.Name!,
            Description = d.Description ?? "",
            Seed = d.Seed ?? 1,
            DurationS = d.DurationS!.Value,
            ProtectedZoneM = d.ProtectedZoneM,
            Obstacle = obstacle,
            Background = background,
            Sensors = sensors,
            Timeline = timeline,
            Expect = expect,
        };
    }

    private static SensorSpec? ConvertSensor(SensorDocument? s, string key, List<string> errors)
    {
        if (s is null)
        {
            errors.Add($"{key}: must be an object");
            return null;
        }
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(s.Name))
            errors.Add($"{key}.name: required (a non-empty string)");
        if (!SimNames.TryParse(s.Kind, out SensorKind kind))
            errors.Add($"{key}.kind: '{s.Kind}' is not one of {SimNames.AllKinds}");
        var protocol = SimProtocol.JsonLines;
        if (s.Protocol is not null && !SimNames.TryParse(s.Protocol, out protocol))
            errors.Add($"{key}.protocol: '{s.Protocol}' is not one of {SimNames.AllProtocols}");
        var variant = SensorVariant.Default;
        if (s.Variant is not null && !SimNames.TryParse(s.Variant, out variant))
            errors.Add($"{key}.variant: '{s.Variant}' is not one of {SimNames.AllVariants}");
        if (s.RateHz is null)
            errors.Add($"{key}.rateHz: required (frames per second)");
        var talker = Kavach.Protocols.NmeaTalker.Combined;
        if (s.Talker is not null && !SimNames.TryParse(s.Talker, out talker))
            errors.Add($"{key}.talker: '{s.Talker}' is not one of {SimNames.AllTalkers}");

        var faults = new List<FaultWindow>();
        for (var i = 0; s.Faults is not null && i < s.Faults.Count; i++)
        {
            var f = s.Faults[i];
            var fk = $"{key}.faults[{i}]";
            if (f is null)
            {
                errors.Add($"{fk}: must be an object");
                continue;
            }
            if (!SimNames.TryParse(f.Type, out FaultType type))
                errors.Add($"{fk}.type: '{f.Type}' is not one of {SimNames.AllFaults}");
            if (f.FromS is null)
                errors.Add($"{fk}.fromS: required (seconds)");
            if (f.ToS is null)
                errors.Add($"{fk}.toS: required (seconds)");
            if (errors.Count == before)
                faults.Add(
                    new FaultWindow
                    {
                        Type = type,
                        FromS = f.FromS!.Value,
                        ToS = f.ToS!.Value,
                        Probability = f.Probability ?? 1,
                    }
                );
        }
        if (errors.Count > before)
            return null;

        var spec = new SensorSpec
        {
            Name = s.Name!,
            Kind = kind,
            RateHz = s.RateHz!.Value,
        };
        return spec with
        {
            Protocol = protocol,
            Variant = variant,
            K = s.K,
            Noise = s.Noise,
            RangeNoiseM = s.RangeNoiseM,
            VelocityNoiseMps = s.VelocityNoiseMps,
            MaxRangeM = s.MaxRangeM,
            Backscatter = s.Backscatter ?? spec.Backscatter,
            ClutterPoints = s.ClutterPoints ?? spec.ClutterPoints,
            ThresholdDb = s.ThresholdDb,
            TemperatureC = s.TemperatureC ?? spec.TemperatureC,
            BeamDeg = s.BeamDeg,
            FovDeg = s.FovDeg,
            Talker = talker,
            Faults = faults,
        };
    }

    // Semantic checks shared by parsed and hand-built scenarios.
    private static void Check(Scenario s, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(s.Name))
            errors.Add("name: required (a non-empty string)");
        if (!(s.DurationS > 0) || double.IsInfinity(s.DurationS))
            errors.Add($"durationS: {s.DurationS} must be a positive number of seconds");
        if (s.ProtectedZoneM is { } pz && !(pz > 0))
            errors.Add($"protectedZoneM: {pz} must be > 0");
        Range01(s.Obstacle.Reflectivity, "obstacle.reflectivity", errors);
        if (s.Background is { } b)
        {
            if (!(b.RangeM > 0))
                errors.Add($"background.rangeM: {b.RangeM} must be > 0");
            Range01(b.Reflectivity, "background.reflectivity", errors);
        }

        if (s.Sensors.Count == 0)
            errors.Add("sensors: at least one sensor is required");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < s.Sensors.Count; i++)
            CheckSensor(s.Sensors[i], $"sensors[{i}]", names, errors);

        if (s.Timeline.Count == 0)
            errors.Add("timeline: at least one keyframe is required");
        for (var i = 0; i < s.Timeline.Count; i++)
        {
            var k = s.Timeline[i];
            var key = $"timeline[{i}]";
            if (!(k.TimeS >= 0) || double.IsInfinity(k.TimeS))
                errors.Add($"{key}.tS: {k.TimeS} must be ≥ 0");
            if (i > 0 && !(k.TimeS > s.Timeline[i - 1].TimeS))
                errors.Add($"{key}.tS: {k.TimeS} must be later than timeline[{i - 1}].tS ({s.Timeline[i - 1].TimeS})");
            if (!(k.VisibilityM > 0) || double.IsInfinity(k.VisibilityM))
                errors.Add($"{key}.visibilityM: {k.VisibilityM} must be > 0");
            if (k.Obstacle is { } o)
            {
                if (!(o.RangeM > 0) || double.IsInfinity(o.RangeM))
                    errors.Add($"{key}.obstacle.rangeM: {o.RangeM} must be > 0");
                if (o.ClosingSpeedMps is { } v && !double.IsFinite(v))
                    errors.Add($"{key}.obstacle.closingSpeedMps: must be finite");
                if (
                    o.ClosingSpeedMps is { } given
                    && i + 1 < s.Timeline.Count
                    && s.Timeline[i + 1].Obstacle is { } next
                    && s.Timeline[i + 1].TimeS > k.TimeS
                )
                {
                    var derived = (o.RangeM - next.RangeM) / (s.Timeline[i + 1].TimeS - k.TimeS);
                    if (Math.Abs(derived - given) > 0.5)
                        errors.Add(
                            $"{key}.obstacle.closingSpeedMps: {given} m/s disagrees with the range change to timeline[{i + 1}] ({derived:0.##} m/s); omit it or fix the ranges"
                        );
                }
            }
        }

        for (var i = 0; i < s.Expect.Count; i++)
        {
            if (!(s.Expect[i].ToS > s.Expect[i].FromS))
                errors.Add($"expect[{i}].toS: must be later than fromS");
        }
        CheckLocomotive(s, errors);
    }

    private static void CheckSensor(SensorSpec s, string key, HashSet<string> names, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(s.Name))
            errors.Add($"{key}.name: required (a non-empty string)");
        else if (!names.Add(s.Name))
            errors.Add($"{key}.name: '{s.Name}' is used by another sensor");
        else if (s.Name.Contains('=') || s.Name.Any(char.IsWhiteSpace))
            errors.Add($"{key}.name: '{s.Name}' must not contain '=' or spaces");
        if (s.Kind is not (SensorKind.Lidar or SensorKind.Radar or SensorKind.Camera or SensorKind.Gnss))
            errors.Add($"{key}.kind: must be one of {SimNames.AllKinds}");
        else if (!SimNames.ProtocolFits(s.Kind, s.Protocol))
            errors.Add($"{key}.protocol: {SimNames.Name(s.Protocol)} cannot carry a {SimNames.Name(s.Kind)}");
        else if (!SimNames.VariantFits(s.Kind, s.Protocol, s.Variant))
            errors.Add($"{key}.variant: {SimNames.Name(s.Variant)} is not a {SimNames.Name(s.Kind)} speaking {SimNames.Name(s.Protocol)}");
        if (!(s.RateHz > 0 && s.RateHz <= 10_000))
            errors.Add($"{key}.rateHz: {s.RateHz} must be in (0, 10000]");
        Positive(s.K, $"{key}.k", errors, allowZero: false, s.Kind == SensorKind.Radar);
        Positive(s.Noise, $"{key}.noise", errors, allowZero: true);
        Positive(s.RangeNoiseM, $"{key}.rangeNoiseM", errors, allowZero: true);
        Positive(s.VelocityNoiseMps, $"{key}.velocityNoiseMps", errors, allowZero: true);
        Positive(s.MaxRangeM, $"{key}.maxRangeM", errors, allowZero: false);
        if (!(s.Backscatter >= 0))
            errors.Add($"{key}.backscatter: {s.Backscatter} must be ≥ 0");
        if (s.ClutterPoints is < 0 or > 8)
            errors.Add($"{key}.clutterPoints: {s.ClutterPoints} must be in 0..8");
        if (s.ThresholdDb is { } t && !double.IsFinite(t))
            errors.Add($"{key}.thresholdDb: must be finite");
        if (!double.IsFinite(s.TemperatureC))
            errors.Add($"{key}.temperatureC: must be finite");
        if (s.BeamDeg is { } beam && !(beam is > 0 and < 90))
            errors.Add($"{key}.beamDeg: {beam} must be in (0, 90)");
        if (s.FovDeg is { } fov && !(fov is > 0 and <= 180))
            errors.Add($"{key}.fovDeg: {fov} must be in (0, 180]");
        // a u-blox receiver runs 1 Hz by default and up to 10 Hz (docs/protocols.md §8)
        if (s.Kind == SensorKind.Gnss && !(s.RateHz is >= 1 and <= 10))
            errors.Add($"{key}.rateHz: {s.RateHz} must be 1-10 for a GNSS receiver");
        for (var i = 0; i < s.Faults.Count; i++)
        {
            var f = s.Faults[i];
            var fk = $"{key}.faults[{i}]";
            if (f.Type == FaultType.None)
                errors.Add($"{fk}.type: must be one of {SimNames.AllFaults}");
            if (f.Type == FaultType.NoFix && s.Kind != SensorKind.Gnss)
                errors.Add($"{fk}.type: no-fix is for a gnss sensor (use silent or dropout for a {SimNames.Name(s.Kind)})");
            if (!(f.FromS >= 0))
                errors.Add($"{fk}.fromS: {f.FromS} must be ≥ 0");
            if (!(f.ToS > f.FromS))
                errors.Add($"{fk}.toS: {f.ToS} must be later than fromS ({f.FromS})");
            if (!(f.Probability is >= 0 and <= 1))
                errors.Add($"{fk}.probability: {f.Probability} must be in 0..1");
        }
    }

    private static void Range01(double v, string key, List<string> errors)
    {
        if (!(v is >= 0 and <= 1))
            errors.Add($"{key}: {v} must be in 0..1");
    }

    private static void Positive(double? v, string key, List<string> errors, bool allowZero, bool anySign = false)
    {
        if (v is not { } x)
            return;
        if (!double.IsFinite(x))
            errors.Add($"{key}: must be finite");
        else if (!anySign && (x < 0 || (!allowZero && x == 0)))
            errors.Add($"{key}: {x} must be {(allowZero ? "≥ 0" : "> 0")}");
    }
}
