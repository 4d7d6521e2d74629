namespace Kavach.Protocols;

/// <summary>One decoded OPS243 output line.</summary>
public readonly record struct Ops243Frame
{
    /// <summary>The line carried a speed.</summary>
    public bool HasSpeed { get; init; }

    /// <summary>Closing speed, m/s, positive = approaching (after the configured sign convention); NaN without a speed.</summary>
    public float ClosingSpeedMps { get; init; }

    /// <summary>The line carried a range (OPS243-B/-C FMCW models).</summary>
    public bool HasRange { get; init; }

    /// <summary>Range, metres; NaN without a range.</summary>
    public float RangeM { get; init; }

    /// <summary>The sensor's time field, seconds since its start; NaN when the line has none.</summary>
    public float SensorTimeS { get; init; }
}

/// <summary>Speed unit the OPS243 is set to (commands UC, UF, UK, UM, US; OPS243 user manual UM-003-A).</summary>
public enum Ops243SpeedUnit
{
    /// <summary>m/s (UM, the default).</summary>
    MetersPerSecond = 0,

    /// <summary>km/h (UK).</summary>
    KilometersPerHour = 1,

    /// <summary>mph (US).</summary>
    MilesPerHour = 2,

    /// <summary>ft/s (UF).</summary>
    FeetPerSecond = 3,

    /// <summary>cm/s (UC).</summary>
    CentimetersPerSecond = 4,
}

/// <summary>Range unit the OPS243-B/-C reports in.</summary>
public enum Ops243RangeUnit
{
    /// <summary>Metres (the default).</summary>
    Meters = 0,

    /// <summary>Centimetres.</summary>
    Centimeters = 1,

    /// <summary>Feet.</summary>
    Feet = 2,
}

/// <summary>Which of the OPS243 line styles an encoder writes.</summary>
public enum Ops243LineStyle
{
    /// <summary>One number per line (the default output).</summary>
    Plain = 0,

    /// <summary><c>time, value</c> (time reporting on).</summary>
    Timed = 1,

    /// <summary>JSON mode <c>OJ</c>: <c>{"speed":0.58, "direction":"inbound", "time":105}</c> or <c>{"range":3.40,
    /// "unit":"m"}</c>.</summary>
    Json = 2,
}

/// <summary>How an OPS243 is set up; validated by <see cref="Validate"/> (the decoder's constructor calls it).</summary>
public sealed class Ops243Options
{
    /// <summary>
    /// Whether a positive number (a line without a "direction" field) means approaching. The OPS243 reports inbound
    /// motion as positive by default, but the direction convention can be changed on the sensor and the mounting
    /// decides what inbound means (docs/protocols.md §4: conventions must be configurable).
    /// </summary>
    public bool PositiveIsApproaching { get; init; } = true;

    /// <summary>Unit of speed values.</summary>
    public Ops243SpeedUnit SpeedUnit { get; init; } = Ops243SpeedUnit.MetersPerSecond;

    /// <summary>Unit of range values.</summary>
    public Ops243RangeUnit RangeUnit { get; init; } = Ops243RangeUnit.Meters;

    /// <summary>Plain and timed number lines carry a range rather than a speed (an OPS243-C set to report range only).</summary>
    public bool PlainValueIsRange { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined enum value.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(SpeedUnit))
            throw new ArgumentOutOfRangeException(nameof(SpeedUnit), SpeedUnit, "unknown speed unit");
        if (!Enum.IsDefined(RangeUnit))
            throw new ArgumentOutOfRangeException(nameof(RangeUnit), RangeUnit, "unknown range unit");
    }

    /// <summary>Metres per second in one <see cref="SpeedUnit"/>.</summary>
    public static float MpsPer(Ops243SpeedUnit unit) =>
        unit switch
        {
            Ops243SpeedUnit.KilometersPerHour => 1f / 3.6f,
            Ops243SpeedUnit.MilesPerHour => 0.44704f, // international mile: 1609.344 m / 3600 s
            Ops243SpeedUnit.FeetPerSecond => 0.3048f,
            Ops243SpeedUnit.CentimetersPerSecond => 0.01f,
            _ => 1f,
        };

    /// <summary>Metres in one <see cref="RangeUnit"/>.</summary>
    public static float MetersPer(Ops243RangeUnit unit) =>
        unit switch
        {
            Ops243RangeUnit.Centimeters => 0.01f,
            Ops243RangeUnit.Feet => 0.3048f,
            _ => 1f,
        };
}
