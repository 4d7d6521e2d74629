namespace Kavach.Edge.Route;

/// <summary>What a row of a route file marks (docs/route.md). <see cref="Track"/> is a shape point of the line, never announced.</summary>
public enum LandmarkKind
{
    /// <summary>track: a point of the line's geometry (a curve between landmarks); not announced.</summary>
    Track = 0,

    /// <summary>signal.</summary>
    Signal = 1,

    /// <summary>level-crossing.</summary>
    LevelCrossing = 2,

    /// <summary>station.</summary>
    Station = 3,

    /// <summary>speed-restriction: the start of a permanent or temporary restriction; carries its speed.</summary>
    SpeedRestriction = 4,

    /// <summary>bridge.</summary>
    Bridge = 5,

    /// <summary>neutral-section: a gap in the overhead line (electric traction coasts through it).</summary>
    NeutralSection = 6,

    /// <summary>custom: anything else worth announcing, named by its name.</summary>
    Custom = 7,
}

/// <summary>Which direction of travel a landmark applies to. Travel in a line's file order is <see cref="Up"/>.</summary>
public enum RouteDirection
{
    /// <summary>both: trains running either way (a station, a level crossing).</summary>
    Both = 0,

    /// <summary>up: trains running in the line's file order.</summary>
    Up = 1,

    /// <summary>down: trains running against the line's file order.</summary>
    Down = 2,
}

/// <summary>The names of kinds and directions as written in route files.</summary>
public static class RouteNames
{
    private static readonly (string Name, LandmarkKind Kind)[] Kinds =
    [
        ("track", LandmarkKind.Track),
        ("signal", LandmarkKind.Signal),
        ("level-crossing", LandmarkKind.LevelCrossing),
        ("station", LandmarkKind.Station),
        ("speed-restriction", LandmarkKind.SpeedRestriction),
        ("bridge", LandmarkKind.Bridge),
        ("neutral-section", LandmarkKind.NeutralSection),
        ("custom", LandmarkKind.Custom),
    ];

    /// <summary>Every kind's name, for messages ("signal, level-crossing, …").</summary>
    public static string KindList { get; } = string.Join(", ", Kinds.Select(k => k.Name));

    /// <summary>The file name of <paramref name="kind"/> (<c>level-crossing</c>).</summary>
    public static string Kind(LandmarkKind kind) => Kinds[(int)kind].Name;

    /// <summary>The kind a name stands for (case-insensitive); false for an unknown name.</summary>
    public static bool TryKind(string name, out LandmarkKind kind)
    {
        foreach (var (n, k) in Kinds)
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        kind = LandmarkKind.Custom;
        return false;
    }

    /// <summary>The file name of a direction (<c>up</c>, <c>down</c>, <c>both</c>).</summary>
    public static string Direction(RouteDirection d) =>
        d switch
        {
            RouteDirection.Up => "up",
            RouteDirection.Down => "down",
            _ => "both",
        };

    /// <summary>The direction a name stands for (case-insensitive); false for an unknown name.</summary>
    public static bool TryDirection(string name, out RouteDirection direction)
    {
        direction = name.ToLowerInvariant() switch
        {
            "up" => RouteDirection.Up,
            "down" => RouteDirection.Down,
            "both" => RouteDirection.Both,
            _ => (RouteDirection)(-1),
        };
        return direction >= 0;
    }
}
