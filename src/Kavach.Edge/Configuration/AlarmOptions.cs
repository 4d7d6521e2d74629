using Kavach.Edge.Alarm;

namespace Kavach.Edge.Configuration;

/// <summary>Which alarm output driver runs.</summary>
public enum AlarmDriver
{
    /// <summary>No hardware: the outputs' state is kept in memory and shown by the demo's console and the API.</summary>
    Simulated,

    /// <summary>GPIO lines through libgpiod (System.Device.Gpio); start-up fails (exit 2) when a line cannot be opened.</summary>
    Gpio,
}

/// <summary>Which libgpiod the <c>gpio</c> driver uses.</summary>
public enum LibgpiodVersion
{
    /// <summary>libgpiod 2.x (libgpiod.so.3) when present, else 1.x (libgpiod.so.2).</summary>
    Auto,
    V1,
    V2,
}

/// <summary>The lamp that is lit at LOW ("system working, nothing detected", never "proceed").</summary>
public enum LowLamp
{
    Green,
    Amber,
}

/// <summary>
/// <c>Alarm</c> section: the GPIO outputs (lamps, buzzer, watchdog heartbeat), their patterns, the
/// acknowledge button and the operator's silence and maintenance limits. See docs/alarm-wiring.md.
/// </summary>
public sealed class AlarmOptions
{
    /// <summary>Output driver; <c>simulated</c> only when configured, never as a silent fallback.</summary>
    public AlarmDriver Driver { get; set; } = AlarmDriver.Simulated;

    /// <summary>GPIO chip of the lines: label (<c>pinctrl-bcm2711</c>, <c>pinctrl-rp1</c>, <c>tegra234-gpio</c>), name (<c>gpiochip4</c>)
    /// or number.</summary>
    public string Chip { get; set; } = "";

    public LibgpiodVersion Libgpiod { get; set; } = LibgpiodVersion.Auto;

    public AlarmLineOptions Green { get; } = new();
    public AlarmLineOptions Amber { get; } = new();
    public AlarmLineOptions Red { get; } = new();
    public AlarmLineOptions Buzzer { get; } = new();

    /// <summary>The external watchdog relay's input: toggles every <see cref="HeartbeatMs"/> while the pipeline is healthy.</summary>
    public AlarmLineOptions Heartbeat { get; } = new();

    /// <summary>Optional acknowledge button (an input line).</summary>
    public AckButtonOptions AckButton { get; } = new();

    /// <summary>Heartbeat half-period: the line changes level this often while healthy.</summary>
    public int HeartbeatMs { get; set; } = 500;

    /// <summary>
    /// At start-up a GPIO chip or line that is busy or not yet permitted (udev still applying its rules at
    /// boot) is retried this long before the daemon refuses to start (exit 2, which systemd does not restart).
    /// </summary>
    public int GpioRetryMs { get; set; } = 10_000;

    /// <summary>The pipeline counts as ticking while its last tick is at most this old; 0 = 2 × Fusion.TickMs.</summary>
    public int MaxTickAgeMs { get; set; }

    /// <summary>A level's pattern stays at least this long before a less severe one replaces it.</summary>
    public int MinOnMs { get; set; } = 2000;

    /// <summary>An acknowledgement mutes the buzzer this long (the lamps never).</summary>
    public int SilenceMs { get; set; } = 60_000;

    /// <summary>
    /// Longest maintenance one command may ask for, and the longest a remote (MQTT) command may take one
    /// maintenance period, extensions included; beyond it only a local action extends.
    /// </summary>
    public int MaxMaintenanceMs { get; set; } = 4 * 3600_000;

    /// <summary>
    /// Most maintenance in any 24 h window that remote commands can reach (all maintenance counts, local too):
    /// 240 min lets a crew work a half-day shift, yet a central system (or whoever holds its credentials)
    /// cannot keep a fault off the lamps for more than 4 h a day. Beyond it only a local action extends.
    /// </summary>
    public int MaxMaintenanceMinutesPerDay { get; set; } = 240;

    /// <summary>Start-up lamp test: every lamp lit this long, the buzzer for its first 200 ms; 0 = none.</summary>
    public int LampTestMs { get; set; } = 1500;

    public LowLamp LowLamp { get; set; } = LowLamp.Green;

    /// <summary>Per-level pattern overrides ("Patterns": { "High": { "Red": "on", "Buzzer": "800/200" } }).</summary>
    public Dictionary<PatternKind, AlarmPattern> Patterns { get; } = [];

    /// <summary>Spoken landmark announcements through espeak-ng (locomotive mode with a route; docs/route.md).</summary>
    public VoiceOptions Voice { get; } = new();

    /// <summary>The stage-health age limit in effect.</summary>
    public int EffectiveMaxTickAgeMs(int tickMs) => MaxTickAgeMs > 0 ? MaxTickAgeMs : 2 * tickMs;

    internal void Read(ConfigReader r)
    {
        Driver = r.Choice("Driver", Driver, ("simulated", AlarmDriver.Simulated), ("gpio", AlarmDriver.Gpio));
        Chip = r.String("Chip", Chip);
        Libgpiod = r.Choice("Libgpiod", Libgpiod, ("auto", LibgpiodVersion.Auto), ("1", LibgpiodVersion.V1), ("2", LibgpiodVersion.V2));
        foreach (var line in AlarmLines.Outputs)
            r.Section(AlarmLines.Name(line), s => Line(line).Read(s));
        r.Section("AckButton", s => AckButton.Read(s));
        HeartbeatMs = r.Int("HeartbeatMs", HeartbeatMs, 50, 10_000);
        GpioRetryMs = r.Int("GpioRetryMs", GpioRetryMs, 0, 120_000);
        MaxTickAgeMs = r.Int("MaxTickAgeMs", MaxTickAgeMs, 0, 60_000);
        MinOnMs = r.Int("MinOnMs", MinOnMs, 0, 60_000);
        SilenceMs = r.Int("SilenceMs", SilenceMs, 1000, 3600_000);
        MaxMaintenanceMs = r.Int("MaxMaintenanceMs", MaxMaintenanceMs, 60_000, 24 * 3600_000);
        MaxMaintenanceMinutesPerDay = r.Int("MaxMaintenanceMinutesPerDay", MaxMaintenanceMinutesPerDay, 1, 1440);
        LampTestMs = r.Int("LampTestMs", LampTestMs, 0, 10_000);
        LowLamp = r.Choice("LowLamp", LowLamp, ("green", LowLamp.Green), ("amber", LowLamp.Amber));
        r.Section("Patterns", ReadPatterns);
        r.Section("Voice", s => Voice.Read(s));

        if (Driver != AlarmDriver.Gpio)
            return;
        if (Chip.Length == 0)
            r.Error(
                "Chip",
                "required with Driver gpio: the chip's label where you can (pinctrl-bcm2711 on a Pi 4, pinctrl-rp1 on a Pi 5, tegra234-gpio on a Jetson Orin), else its name or number"
            );
        if (Red.Line is null)
            r.Error("Red.Line", "required with Driver gpio: the red lamp shows HIGH and FAULT");
        var used = new Dictionary<int, string>();
        foreach (var line in AlarmLines.Outputs)
            Claim(r, used, AlarmLines.Name(line), Line(line).Line);
        Claim(r, used, "AckButton", AckButton.Line);
    }

    /// <summary>The options of an output line.</summary>
    public AlarmLineOptions Line(AlarmLine line) =>
        line switch
        {
            AlarmLine.Green => Green,
            AlarmLine.Amber => Amber,
            AlarmLine.Red => Red,
            AlarmLine.Buzzer => Buzzer,
            _ => Heartbeat,
        };

    private static void Claim(ConfigReader r, Dictionary<int, string> used, string name, int? line)
    {
        if (line is not { } n)
            return;
        if (used.TryGetValue(n, out var other))
            r.Error($"{name}.Line", $"line {n} is already used by {other}");
        else
            used[n] = name;
    }

    private void ReadPatterns(ConfigReader r)
    {
        foreach (var kind in Enum.GetValues<PatternKind>())
        {
            var name = AlarmPatterns.KindName(kind);
            if (kind == PatternKind.LampTest || !r.Has(name))
                continue; // LampTest is fixed: all on
            r.Section(name, s => Patterns[kind] = ReadPattern(s, kind, name.ToLowerInvariant()));
        }
    }

    /// <summary>A pattern object (Green, Amber, Red, Buzzer: "on", "off" or on/off ms) checked against the rules of
    /// <paramref name="kind"/>; also read for the route's per-landmark-kind announcements.</summary>
    internal static AlarmPattern ReadPattern(ConfigReader s, PatternKind kind, string name)
    {
        var lines = new LinePattern[4];
        foreach (var line in AlarmLines.Lamps)
            lines[(int)line] = ReadPattern(s, AlarmLines.Name(line));
        if (kind != PatternKind.Maintenance)
            lines[(int)AlarmLine.Buzzer] = ReadPattern(s, "Buzzer");
        else if (s.Has("Buzzer"))
        {
            s.Seen("Buzzer");
            s.Error("Buzzer", "the buzzer is always quiet in maintenance");
        }
        lines[(int)AlarmLine.Buzzer] ??= LinePattern.Off;
        var p = new AlarmPattern(name, lines);
        foreach (var problem in AlarmPatterns.Check(kind, p))
            s.Error(problem.Key, problem.Message);
        return p;
    }

    private static LinePattern ReadPattern(ConfigReader s, string key)
    {
        var text = s.OptionalString(key);
        if (text is null)
            return LinePattern.Off;
        if (LinePattern.TryParse(text, out var p, out var error))
            return p;
        s.Error(key, error);
        return LinePattern.Off;
    }
}

/// <summary>One output line: its offset on the chip and its polarity.</summary>
public sealed class AlarmLineOptions
{
    /// <summary>Line offset on <see cref="AlarmOptions.Chip"/> (the BCM number on a Pi); null = not wired.</summary>
    public int? Line { get; set; }

    /// <summary>True when the line drives its load at low level (sinking drivers, most relay boards).</summary>
    public bool ActiveLow { get; set; }

    internal void Read(ConfigReader r)
    {
        if (r.Has("Line"))
            Line = r.Int("Line", 0, 0, 1023);
        else
            r.Seen("Line");
        ActiveLow = r.Bool("ActiveLow", ActiveLow);
    }
}

/// <summary>Bias of an input line.</summary>
public enum LinePull
{
    None,
    Up,
    Down,
}

/// <summary>The acknowledge button: an input line, debounced.</summary>
public sealed class AckButtonOptions
{
    /// <summary>Line offset; null = no button.</summary>
    public int? Line { get; set; }

    /// <summary>Pressed reads low (a button to ground with a pull-up: the usual wiring).</summary>
    public bool ActiveLow { get; set; } = true;

    public LinePull Pull { get; set; } = LinePull.Up;

    /// <summary>The pressed level must hold this long to count as a press.</summary>
    public int DebounceMs { get; set; } = 50;

    internal void Read(ConfigReader r)
    {
        if (r.Has("Line"))
            Line = r.Int("Line", 0, 0, 1023);
        else
            r.Seen("Line");
        ActiveLow = r.Bool("ActiveLow", ActiveLow);
        Pull = r.Choice("Pull", Pull, ("none", LinePull.None), ("up", LinePull.Up), ("down", LinePull.Down));
        DebounceMs = r.Int("DebounceMs", DebounceMs, 5, 2000);
    }
}

/// <summary>
/// <c>Alarm.Voice</c>: landmark announcements spoken by espeak-ng ("signal S12 ahead, 500 metres") from a bounded queue that
/// never delays the lamps. Configured but espeak-ng absent: a warning at start-up, and the announcements go on without voice.
/// </summary>
public sealed class VoiceOptions
{
    /// <summary>Speak the announcements.</summary>
    public bool Enabled { get; set; }

    /// <summary>The program: a name looked up on PATH, or a path.</summary>
    public string Command { get; set; } = "espeak-ng";

    /// <summary>espeak-ng's voice (<c>-v</c>): "en", "en-gb", "hi".</summary>
    public string Language { get; set; } = "en";

    /// <summary>Words per minute (<c>-s</c>).</summary>
    public int WordsPerMinute { get; set; } = 150;

    /// <summary>Announcements waiting to be spoken; when full the oldest is dropped (it is out of date) and counted.</summary>
    public int QueueLength { get; set; } = 4;

    internal void Read(ConfigReader r)
    {
        Enabled = r.Bool("Enabled", Enabled);
        Command = r.String("Command", Command, allowEmpty: false);
        Language = r.String("Language", Language, allowEmpty: false);
        WordsPerMinute = r.Int("WordsPerMinute", WordsPerMinute, 80, 450);
        QueueLength = r.Int("QueueLength", QueueLength, 1, 32);
    }
}
