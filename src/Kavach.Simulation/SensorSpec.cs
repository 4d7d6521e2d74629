using Kavach.Protocols;

namespace Kavach.Simulation;

/// <summary>
/// One simulated sensor (scenario key <c>sensors[]</c>). Null tuning values take the variant's default
/// (<see cref="SensorModelDefaults"/>); docs/simulator.md lists them.
/// </summary>
public sealed record SensorSpec
{
    /// <summary>Unique name; outputs are mapped by it (<c>name</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What the sensor measures (<c>kind</c>: lidar, radar, camera).</summary>
    public required SensorKind Kind { get; init; }

    /// <summary>Wire format (<c>protocol</c>).</summary>
    public SimProtocol Protocol { get; init; } = SimProtocol.JsonLines;

    /// <summary>Device model (<c>variant</c>); <see cref="SensorVariant.Default"/> picks by kind and protocol.</summary>
    public SensorVariant Variant { get; init; } = SensorVariant.Default;

    /// <summary>Frames per second (<c>rateHz</c>).</summary>
    public required double RateHz { get; init; }

    /// <summary>
    /// Sensor constant (<c>k</c>). LiDAR: K in S = K·ρ·exp(−2σR)/R² (strength units · m²). Radar: SNR in dB of a
    /// 0 dBsm target at 100 m. Camera: unused.
    /// </summary>
    public double? K { get; init; }

    /// <summary>
    /// Noise (<c>noise</c>). LiDAR: relative strength noise (log-normal σ). Radar: SNR noise, dB. Camera:
    /// relative visibility noise (log-normal σ).
    /// </summary>
    public double? Noise { get; init; }

    /// <summary>Range noise (1σ), metres (<c>rangeNoiseM</c>).</summary>
    public double? RangeNoiseM { get; init; }

    /// <summary>Radar radial velocity noise (1σ), m/s (<c>velocityNoiseMps</c>).</summary>
    public double? VelocityNoiseMps { get; init; }

    /// <summary>Maximum range, metres (<c>maxRangeM</c>); beyond it there is no return.</summary>
    public double? MaxRangeM { get; init; }

    /// <summary>LiDAR: scale of the fog backscatter probability, 0 = none (<c>backscatter</c>).</summary>
    public double Backscatter { get; init; } = 1;

    /// <summary>Radar: number of static clutter reflectors (<c>clutterPoints</c>).</summary>
    public int ClutterPoints { get; init; } = 3;

    /// <summary>Radar: detection threshold, dB SNR (<c>thresholdDb</c>).</summary>
    public double? ThresholdDb { get; init; }

    /// <summary>Locomotive LiDAR: full beam divergence, degrees (<c>beamDeg</c>); null = the variant's.</summary>
    public double? BeamDeg { get; init; }

    /// <summary>Locomotive radar: full azimuth field of view, degrees (<c>fovDeg</c>); null = the variant's.</summary>
    public double? FovDeg { get; init; }

    /// <summary>GNSS: the talker id of the sentences (<c>talker</c>: gp, gn, gl, ga, gb, gi, gq; default gn).</summary>
    public NmeaTalker Talker { get; init; } = NmeaTalker.Combined;

    /// <summary>LiDAR (TF series): reported temperature, °C (<c>temperatureC</c>).</summary>
    public double TemperatureC { get; init; } = 35;

    /// <summary>Faults injected in time windows (<c>faults</c>).</summary>
    public IReadOnlyList<FaultWindow> Faults { get; init; } = [];

    /// <summary>The variant in effect (<see cref="Variant"/> or the default for the kind and protocol).</summary>
    public SensorVariant EffectiveVariant => Variant == SensorVariant.Default ? SimNames.DefaultVariant(Kind, Protocol) : Variant;
}

/// <summary>
/// A fault window (scenario key <c>sensors[].faults[]</c>): from <see cref="FromS"/> (inclusive) to
/// <see cref="ToS"/> (exclusive), each frame gets <see cref="Type"/> with <see cref="Probability"/>.
/// </summary>
public sealed record FaultWindow
{
    /// <summary>The fault (<c>type</c>).</summary>
    public required FaultType Type { get; init; }

    /// <summary>Start, scenario seconds (<c>fromS</c>).</summary>
    public required double FromS { get; init; }

    /// <summary>End, scenario seconds (<c>toS</c>).</summary>
    public required double ToS { get; init; }

    /// <summary>Probability per frame, 0..1 (<c>probability</c>, default 1).</summary>
    public double Probability { get; init; } = 1;
}
