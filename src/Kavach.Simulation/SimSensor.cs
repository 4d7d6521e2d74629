using Kavach.Protocols;

namespace Kavach.Simulation;

/// <summary>
/// One simulated sensor: <see cref="Sample"/> measures the <see cref="World"/> as physical values,
/// <see cref="Encode"/> writes them in the configured wire format with the frame's fault applied. The model
/// training generator calls <see cref="Sample"/> alone; the player calls both. Deterministic for a seed: the
/// physics noise and the fault decisions use separate streams derived from the scenario seed and the sensor
/// name. Not thread-safe: one instance per thread.
/// </summary>
public sealed class SimSensor
{
    /// <summary>A buffer of this size holds any frame <see cref="Encode"/> writes (garbage prefix included).</summary>
    public const int MaxFrameBytes = 1024;

    private readonly LidarModel? _lidar;
    private readonly Ld06Model? _ld06;
    private readonly RadarModel? _radar;
    private readonly CameraModel? _camera;
    private readonly GnssModel? _gnss;
    private readonly FaultInjector _faults;
    private readonly byte[] _last = new byte[MaxFrameBytes];
    private int _lastLength;
    private SimSample _lastClean;
    private bool _hasLastClean;
    private long _sequence;

    /// <summary>A sensor for <paramref name="spec"/> whose random streams derive from <paramref name="scenarioSeed"/>.</summary>
    public SimSensor(SensorSpec spec, ulong scenarioSeed)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        Variant = spec.EffectiveVariant;
        Model = Resolve(spec, Variant);
        var physics = new SimRandom(SimRandom.DeriveSeed(scenarioSeed, spec.Name));
        _faults = new FaultInjector(spec.Faults, SimRandom.DeriveSeed(scenarioSeed, spec.Name + "/faults"));
        switch (spec.Kind)
        {
            case SensorKind.Lidar when Variant == SensorVariant.Ld06:
                _ld06 = new Ld06Model(Model, spec.Backscatter, spec.RateHz, physics);
                break;
            case SensorKind.Lidar:
                _lidar = new LidarModel(Model, spec.Backscatter, physics);
                break;
            case SensorKind.Radar:
                _radar = new RadarModel(Model, spec.ClutterPoints, physics);
                break;
            case SensorKind.Camera:
                _camera = new CameraModel(Model, physics);
                break;
            case SensorKind.Gnss:
                _gnss = new GnssModel(Model, spec.RateHz, physics);
                break;
            default:
                throw new ArgumentException($"sensor '{spec.Name}': kind {spec.Kind} cannot be simulated", nameof(spec));
        }
    }

    /// <summary>The scenario's description of this sensor.</summary>
    public SensorSpec Spec { get; }

    /// <summary>The variant in effect.</summary>
    public SensorVariant Variant { get; }

    /// <summary>The physics constants in effect (variant defaults with the scenario's overrides).</summary>
    public SensorModelDefaults Model { get; }

    /// <summary>
    /// Measure the world at its current time (call <see cref="World.AdvanceTo"/> first). Each call is the next
    /// frame: it advances the random streams and the frame counter. A frame whose fault is
    /// <see cref="FaultType.Stuck"/> repeats the last clean frame's values.
    /// </summary>
    public SimSample Sample(World world)
    {
        var s = new SimSample
        {
            TimeS = world.TimeS,
            Kind = Spec.Kind,
            Sequence = _sequence,
        };
        if (_lidar is not null)
            _lidar.Fill(ref s, world);
        else if (_ld06 is not null)
            _ld06.Fill(ref s, world, _sequence);
        else if (_radar is not null)
            _radar.Fill(ref s, world);
        else if (_gnss is not null)
            _gnss.Fill(ref s, world);
        else
            _camera!.Fill(ref s, world);
        _sequence++;

        var fault = _faults.Decide(world.TimeS);
        if (fault == FaultType.NoFix)
            GnssModel.ClearFix(ref s);
        if (fault == FaultType.Stuck && _hasLastClean)
        {
            s = _lastClean;
            s.TimeS = world.TimeS;
            s.Sequence = _sequence - 1;
        }
        else if (fault == FaultType.None)
        {
            _lastClean = s;
            _hasLastClean = true;
        }
        s.Fault = fault;
        // ground truth is the world's now, even on a stuck frame
        s.TrainSpeedMps = world.TrainSpeedMps;
        s.TrackObstacleRangeM = world.Scene is null ? double.NaN : world.ObstacleRangeM;
        var reach = Spec.Kind is SensorKind.Lidar or SensorKind.Radar ? Model.MaxRangeM : world.ReachM;
        s.TrackObstacleInReach = world.Scene is not null && world.ObstaclePresent && world.ObstacleRangeM <= reach;
        return s;
    }

    /// <summary>
    /// Write <paramref name="sample"/> in the sensor's protocol with its fault applied; returns the byte count
    /// (0 for dropout and silent frames). <paramref name="dest"/> needs <see cref="MaxFrameBytes"/>. A stuck frame
    /// repeats the bytes of the last clean frame this instance encoded.
    /// </summary>
    public int Encode(in SimSample sample, Span<byte> dest)
    {
        if (dest.Length < MaxFrameBytes)
            throw new ArgumentException($"destination needs {MaxFrameBytes} bytes", nameof(dest));
        switch (sample.Fault)
        {
            case FaultType.Silent or FaultType.Dropout:
                return 0;
            case FaultType.Stuck when _lastLength > 0:
                _last.AsSpan(0, _lastLength).CopyTo(dest);
                return _lastLength;
        }

        var prefix =
            sample.Fault == FaultType.Garbage
                ? _faults.WriteGarbage(dest, sample.Sequence, newline: SimFormats.Of(Spec.Protocol).Lines)
                : 0;
        var frame = dest[prefix..];
        var n = FrameEncoder.Encode(Spec, Variant, sample, frame);
        if (sample.Fault == FaultType.None)
        {
            frame[..n].CopyTo(_last);
            _lastLength = n;
        }
        else if (sample.Fault == FaultType.BadChecksum)
        {
            FrameEncoder.Corrupt(Spec.Protocol, frame[..n]);
        }
        else if (sample.Fault == FaultType.Truncated)
        {
            n = Math.Max(1, n / 2);
        }
        return prefix + n;
    }

    private static SensorModelDefaults Resolve(SensorSpec spec, SensorVariant variant)
    {
        var d = SensorModelDefaults.For(variant);
        return d with
        {
            K = spec.K ?? d.K,
            Noise = spec.Noise ?? d.Noise,
            RangeNoiseM = spec.RangeNoiseM ?? d.RangeNoiseM,
            VelocityNoiseMps = spec.VelocityNoiseMps ?? d.VelocityNoiseMps,
            MaxRangeM = spec.MaxRangeM ?? d.MaxRangeM,
            Threshold = spec.Kind == SensorKind.Radar ? spec.ThresholdDb ?? d.Threshold : d.Threshold,
            BeamDeg = spec.BeamDeg ?? d.BeamDeg,
            FovDeg = spec.FovDeg ?? d.FovDeg,
        };
    }
}
