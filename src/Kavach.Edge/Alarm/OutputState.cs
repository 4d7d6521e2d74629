using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;

namespace Kavach.Edge.Alarm;

/// <summary>What the lamps and the buzzer show, as words ("steady", "blink", "alternate", "off", "pattern").</summary>
public sealed record OutputState(string Green, string Amber, string Red, string Buzzer)
{
    /// <summary>
    /// The default indication of a state. The LOW lamp means "system working, nothing detected", never
    /// "proceed". During the start-up grace the lamps show FAULT but the buzzer stays quiet.
    /// </summary>
    public static OutputState For(RiskState state, long now)
    {
        var grace = state.Level == RiskLevel.Fault && now < state.GraceEndsAt && state.Starting;
        return state.Level switch
        {
            RiskLevel.Low => new("steady", "off", "off", "off"),
            RiskLevel.Medium => new("off", "blink", "off", "off"),
            RiskLevel.High => new("off", "off", "steady", "high-pattern"),
            _ => new("off", "alternate", "alternate", grace ? "off (start-up grace)" : "fault-pattern"),
        };
    }

    public override string ToString() => $"green {Green}, amber {Amber}, red {Red}, buzzer {Buzzer}";
}
