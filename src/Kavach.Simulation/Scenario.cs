using System.Reflection;

namespace Kavach.Simulation;

/// <summary>
/// A validated scenario: the world's timeline and the sensors that watch it. Build one from JSON with
/// <see cref="Parse"/>, <see cref="Load"/> or <see cref="BuiltIn"/>, or in code (model training) with an
/// object initialiser; <see cref="World"/> and <see cref="SimSensor"/> assume the invariants that
/// <see cref="Parse"/> checks (call <see cref="Validate"/> on a hand-built one). Immutable; thread-safe.
/// The JSON schema is documented in docs/simulator.md.
/// </summary>
public sealed record Scenario
{
    /// <summary>Name (scenario key <c>name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What the scenario shows (<c>description</c>).</summary>
    public string Description { get; init; } = "";

    /// <summary>Seed of every random stream (<c>seed</c>); the same seed gives the same bytes.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Scenario time covered, seconds (<c>durationS</c>).</summary>
    public required double DurationS { get; init; }

    /// <summary>The protected zone the daemon is expected to be configured with, metres (<c>protectedZoneM</c>; informational).</summary>
    public double? ProtectedZoneM { get; init; }

    /// <summary>Where the sensors stand (<c>platform</c>: <c>trackside</c>, the default, or <c>locomotive</c>).</summary>
    public Platform Platform { get; init; } = Platform.Trackside;

    /// <summary>Locomotive: the train's motion and track (<c>train</c>); null on a trackside post.</summary>
    public TrainMotion? Train { get; init; }

    /// <summary>Locomotive: objects on and beside the track (<c>objects</c>); empty on a trackside post.</summary>
    public IReadOnlyList<TrackObject> Objects { get; init; } = [];

    /// <summary>How the obstacle reflects (<c>obstacle</c>).</summary>
    public ObstacleProperties Obstacle { get; init; } = new();

    /// <summary>A static target both LiDAR and radar see in clear air (<c>background</c>), or null.</summary>
    public BackgroundTarget? Background { get; init; }

    /// <summary>The sensors (<c>sensors</c>), names unique.</summary>
    public required IReadOnlyList<SensorSpec> Sensors { get; init; }

    /// <summary>Keyframes with strictly increasing times (<c>timeline</c>), interpolated linearly.</summary>
    public required IReadOnlyList<Keyframe> Timeline { get; init; }

    /// <summary>Risk levels the daemon should report over time windows (<c>expect</c>; for end-to-end tests).</summary>
    public IReadOnlyList<Expectation> Expect { get; init; } = [];

    /// <summary>Names of the scenarios embedded in this assembly, sorted.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ListBuiltIns();

    /// <summary>Parse and validate scenario JSON. Throws <see cref="ScenarioException"/> naming the bad key.</summary>
    /// <param name="json">The document.</param>
    /// <param name="source">Where it came from, for error messages (a file name).</param>
    /// <remarks>A route file a locomotive scenario names (<c>train.route.file</c>) is read from the current folder, or is
    /// one embedded with the built-in scenarios.</remarks>
    public static Scenario Parse(string json, string source = "scenario") =>
        ScenarioReader.Read(json, source, RouteReader(Directory.GetCurrentDirectory()));

    /// <summary>Read, parse and validate a scenario file.</summary>
    public static Scenario Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: cannot read the scenario file: {e.Message}", e);
        }
        return ScenarioReader.Read(json, Path.GetFileName(path), RouteReader(Path.GetDirectoryName(Path.GetFullPath(path))));
    }

    /// <summary>A scenario embedded in this assembly (see <see cref="BuiltInNames"/>), by name with or without ".json".</summary>
    public static Scenario BuiltIn(string name)
    {
        var file = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? name : name + ".json";
        using var stream = typeof(Scenario).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new ScenarioException($"no built-in scenario '{name}'; built-in: {string.Join(", ", BuiltInNames)}");
        using var reader = new StreamReader(stream);
        return ScenarioReader.Read(reader.ReadToEnd(), file, RouteReader(null));
    }

    /// <summary>Names of the route files embedded with the built-in scenarios (deploy/route.sample.csv as
    /// <c>route.sample.csv</c>).</summary>
    public static IReadOnlyList<string> BuiltInRoutes { get; } = ListResources(".csv");

    /// <summary>The text of an embedded route file (<see cref="BuiltInRoutes"/>), or null.</summary>
    public static string? BuiltInRoute(string name)
    {
        if (name.Contains('/') || name.Contains('\\'))
            return null;
        using var stream = typeof(Scenario).Assembly.GetManifestResourceStream(ResourcePrefix + name);
        if (stream is null)
            return null;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    // A route file named by a scenario: relative to baseDir (a scenario file's folder), else an embedded one by name.
    private static Func<string, List<string>, string?> RouteReader(string? baseDir) =>
        (name, errors) =>
        {
            if (baseDir is not null)
            {
                var path = Path.IsPathRooted(name) ? name : Path.Combine(baseDir, name);
                if (File.Exists(path))
                {
                    try
                    {
                        return File.ReadAllText(path);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        errors.Add($"train.route.file: cannot read {path}: {e.Message}");
                        return null;
                    }
                }
            }
            if (BuiltInRoute(name) is { } text)
                return text;
            errors.Add(
                $"train.route.file: '{name}' not found{(baseDir is null ? "" : $" in {baseDir}")} nor among the built-in routes ({string.Join(", ", BuiltInRoutes)})"
            );
            return null;
        };

    /// <summary>A built-in name or a file path: built-in names win when no such file exists.</summary>
    public static Scenario LoadOrBuiltIn(string nameOrPath) =>
        File.Exists(nameOrPath) || nameOrPath.Contains('/') || nameOrPath.Contains('\\') ? Load(nameOrPath) : BuiltIn(nameOrPath);

    /// <summary>Check the invariants <see cref="Parse"/> enforces; throws <see cref="ScenarioException"/>.</summary>
    public Scenario Validate()
    {
        ScenarioReader.Validate(this, Name);
        return this;
    }

    /// <summary>The sensor named <paramref name="name"/>.</summary>
    public SensorSpec Sensor(string name) =>
        Sensors.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"scenario '{Name}' has no sensor '{name}'", nameof(name));

    private const string ResourcePrefix = "Kavach.Simulation.Scenarios.";

    private static string[] ListBuiltIns() => [.. ListResources(".json").Select(n => n[..^".json".Length])];

    private static string[] ListResources(string extension)
    {
        var names = new List<string>();
        foreach (var r in typeof(Scenario).Assembly.GetManifestResourceNames())
        {
            if (r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith(extension, StringComparison.Ordinal))
                names.Add(r[ResourcePrefix.Length..]);
        }
        names.Sort(StringComparer.Ordinal);
        return [.. names];
    }
}

/// <summary>A scenario that cannot be used; the message names the file and the key.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Create with a message naming the key.</summary>
    public ScenarioException(string message)
        : base(message) { }

    /// <summary>Create with a message and the underlying error.</summary>
    public ScenarioException(string message, Exception inner)
        : base(message, inner) { }
}

/// <summary>How the obstacle (a road vehicle on the crossing) reflects (scenario key <c>obstacle</c>).</summary>
public sealed record ObstacleProperties
{
    /// <summary>LiDAR reflectivity ρ at 905 nm, 0..1 (<c>reflectivity</c>).</summary>
    public double Reflectivity { get; init; } = 0.5;

    /// <summary>Radar cross-section, dBsm (<c>rcsDbsm</c>; a car is about 10).</summary>
    public double RcsDbsm { get; init; } = 10;

    /// <summary>Bearing from the sensors' boresight, degrees (<c>azimuthDeg</c>).</summary>
    public double AzimuthDeg { get; init; } = 1.5;
}

/// <summary>A static target at a fixed range (a reflector, a structure; scenario key <c>background</c>).</summary>
public sealed record BackgroundTarget
{
    /// <summary>Range from the sensor post, metres (<c>rangeM</c>).</summary>
    public required double RangeM { get; init; }

    /// <summary>LiDAR reflectivity, 0..1 (<c>reflectivity</c>).</summary>
    public double Reflectivity { get; init; } = 0.8;

    /// <summary>Radar cross-section, dBsm (<c>rcsDbsm</c>).</summary>
    public double RcsDbsm { get; init; } = 15;

    /// <summary>Bearing from boresight, degrees (<c>azimuthDeg</c>).</summary>
    public double AzimuthDeg { get; init; } = -2;
}

/// <summary>One point of the timeline (scenario key <c>timeline[]</c>).</summary>
public sealed record Keyframe
{
    /// <summary>Scenario time, seconds (<c>tS</c>).</summary>
    public required double TimeS { get; init; }

    /// <summary>Meteorological visibility, metres (<c>visibilityM</c>).</summary>
    public required double VisibilityM { get; init; }

    /// <summary>The obstacle at this time, or null when there is none (<c>obstacle</c>).</summary>
    public ObstacleKeyframe? Obstacle { get; init; }
}

/// <summary>
/// The obstacle at a keyframe. Between two keyframes that both have an obstacle the range moves linearly and
/// the closing speed is the rate of that change. After a keyframe followed by none (or the last one), the
/// obstacle keeps moving at <see cref="ClosingSpeedMps"/> (0 if not given) and vanishes at the next keyframe.
/// </summary>
public sealed record ObstacleKeyframe
{
    /// <summary>Range from the sensor post, metres (<c>rangeM</c>).</summary>
    public required double RangeM { get; init; }

    /// <summary>Closing speed, m/s, positive = approaching (<c>closingSpeedMps</c>); see the type's remarks.</summary>
    public double? ClosingSpeedMps { get; init; }
}

/// <summary>The level the daemon should report from <see cref="FromS"/> to <see cref="ToS"/> (scenario key <c>expect[]</c>).</summary>
public sealed record Expectation(double FromS, double ToS, ExpectedRisk Level);
