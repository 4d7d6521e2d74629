namespace Kavach.Edge.Alarm;

/// <summary>The indications the alarm can show.</summary>
public enum PatternKind
{
    Low,
    Medium,
    Fault,
    High,
    Maintenance,
    LampTest,

    /// <summary>A landmark ahead (locomotive mode with a route): the default announcement pattern.</summary>
    Announce,
}

/// <summary>A named pattern: what each lamp and the buzzer do (the heartbeat is not part of it).</summary>
public sealed class AlarmPattern
{
    private readonly LinePattern[] _lines;

    /// <param name="name">Shown in the snapshot and the log ("high", "fault", ...).</param>
    /// <param name="lines">Green, Amber, Red, Buzzer.</param>
    public AlarmPattern(string name, LinePattern[] lines)
    {
        if (lines.Length != 4)
            throw new ArgumentException("green, amber, red and buzzer", nameof(lines));
        Name = name;
        _lines = [.. lines];
    }

    public string Name { get; }

    public LinePattern this[AlarmLine line] => _lines[(int)line];

    /// <summary>The first time after <paramref name="ms"/> at which any line changes.</summary>
    public long NextChange(long ms)
    {
        var next = long.MaxValue;
        foreach (var l in _lines)
            next = Math.Min(next, l.NextChange(ms));
        return next;
    }

    /// <summary>The lines as text: "green off, amber 500/500, red off, buzzer off".</summary>
    public string Lines => $"green {_lines[0]}, amber {_lines[1]}, red {_lines[2]}, buzzer {_lines[3]}";

    public override string ToString() => $"{Name}: {Lines}";
}

/// <summary>The default patterns and the safety rules a configured pattern must keep.</summary>
public static class AlarmPatterns
{
    /// <summary>The key of a kind under <c>Alarm.Patterns</c>.</summary>
    public static string KindName(PatternKind kind) =>
        kind switch
        {
            PatternKind.Low => "Low",
            PatternKind.Medium => "Medium",
            PatternKind.Fault => "Fault",
            PatternKind.High => "High",
            PatternKind.Maintenance => "Maintenance",
            PatternKind.Announce => "Announce",
            _ => "LampTest",
        };

    /// <summary>
    /// Defaults: LOW the <paramref name="lowLamp"/> steady; MEDIUM amber 500/500; HIGH red steady, buzzer
    /// 800/200; FAULT red and amber alternating 500/500, buzzer double chirp 150/150/150/1550; maintenance
    /// green and amber alternating slowly 1000/1000, buzzer quiet; lamp test all lamps, buzzer 200 ms; a landmark
    /// announcement the LOW lamp with amber flashing fast 250/250 and a short chirp every two seconds 150/1850.
    /// </summary>
    public static AlarmPattern Default(PatternKind kind, Configuration.LowLamp lowLamp = Configuration.LowLamp.Green)
    {
        var off = LinePattern.Off;
        return kind switch
        {
            PatternKind.Low => lowLamp == Configuration.LowLamp.Amber
                ? new("low", [off, LinePattern.On, off, off])
                : new("low", [LinePattern.On, off, off, off]),
            PatternKind.Medium => new("medium", [off, LinePattern.Cycle(0, 500, 500), off, off]),
            PatternKind.High => new("high", [off, off, LinePattern.On, LinePattern.Cycle(0, 800, 200)]),
            PatternKind.Fault => new(
                "fault",
                [off, LinePattern.Cycle(500, 500, 500), LinePattern.Cycle(0, 500, 500), LinePattern.Cycle(0, 150, 150, 150, 1550)]
            ),
            PatternKind.Maintenance => new(
                "maintenance",
                [LinePattern.Cycle(1000, 1000, 1000), LinePattern.Cycle(0, 1000, 1000), off, off]
            ),
            PatternKind.Announce => new(
                "announce",
                [
                    lowLamp == Configuration.LowLamp.Green ? LinePattern.On : off,
                    LinePattern.Cycle(0, 250, 250),
                    off,
                    LinePattern.Cycle(0, 150, 1850),
                ]
            ),
            _ => new("lamp-test", [LinePattern.On, LinePattern.On, LinePattern.On, LinePattern.Cycle(0, 200, 59_800)]),
        };
    }

    /// <summary>Problems of a configured pattern, as (key, message): a warning must stay a warning.</summary>
    public static IEnumerable<(string Key, string Message)> Check(PatternKind kind, AlarmPattern p)
    {
        if (AlarmLines.Lamps.All(l => p[l].IsOff))
            yield return ("Green", "at least one lamp must be lit or blinking (a dark post reads as a dead one)");
        if (kind is PatternKind.High or PatternKind.Fault && p[AlarmLine.Red].IsOff)
            yield return ("Red", $"must not be off in {KindName(kind)}");
        if (kind is PatternKind.High or PatternKind.Fault && p[AlarmLine.Buzzer].IsOff)
            yield return ("Buzzer", $"must not be off in {KindName(kind)} (acknowledge to silence it)");
    }
}
