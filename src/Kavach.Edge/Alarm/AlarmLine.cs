namespace Kavach.Edge.Alarm;

/// <summary>The alarm's output lines. The first four are driven by patterns; the heartbeat by pipeline health.</summary>
public enum AlarmLine
{
    Green = 0,
    Amber = 1,
    Red = 2,
    Buzzer = 3,
    Heartbeat = 4,
}

/// <summary>Names and groups of <see cref="AlarmLine"/>.</summary>
public static class AlarmLines
{
    /// <summary>Every output line, in configuration order.</summary>
    public static readonly AlarmLine[] Outputs = [AlarmLine.Green, AlarmLine.Amber, AlarmLine.Red, AlarmLine.Buzzer, AlarmLine.Heartbeat];

    /// <summary>The three lamps.</summary>
    public static readonly AlarmLine[] Lamps = [AlarmLine.Green, AlarmLine.Amber, AlarmLine.Red];

    /// <summary>The configuration key (and display name) of a line.</summary>
    public static string Name(AlarmLine line) =>
        line switch
        {
            AlarmLine.Green => "Green",
            AlarmLine.Amber => "Amber",
            AlarmLine.Red => "Red",
            AlarmLine.Buzzer => "Buzzer",
            _ => "Heartbeat",
        };
}
