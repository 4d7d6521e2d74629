namespace Kavach.Edge.Alarm;

/// <summary>
/// What the alarm's lines show now (logical: true = lamp lit / buzzer sounding / heartbeat line active,
/// whatever the wiring's polarity) and the pattern that put them there ("low", "medium", "high", "fault",
/// "starting", "maintenance", "lamp-test", "stopped", "failed", "off"). Read by the demo console and the API.
/// </summary>
public sealed record OutputState(string Pattern, bool Green, bool Amber, bool Red, bool Buzzer, bool Heartbeat)
{
    public static readonly OutputState Off = new("off", false, false, false, false, false);

    public bool this[AlarmLine line] =>
        line switch
        {
            AlarmLine.Green => Green,
            AlarmLine.Amber => Amber,
            AlarmLine.Red => Red,
            AlarmLine.Buzzer => Buzzer,
            _ => Heartbeat,
        };

    public override string ToString() =>
        $"{Pattern}: green {OnOff(Green)}, amber {OnOff(Amber)}, red {OnOff(Red)}, buzzer {OnOff(Buzzer)}, heartbeat {(Heartbeat ? "high" : "low")}";

    private static string OnOff(bool on) => on ? "on" : "off";
}
