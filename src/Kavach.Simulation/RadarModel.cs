namespace Kavach.Simulation;

/// <summary>
/// 77 GHz FMCW radar (TI mmWave point cloud, OPS243-C). Fog does not enter: ITU-R P.840 puts dense fog at
/// 0.1–1.6 dB/km one way (docs/protocols.md §5), under the model's SNR noise, so it is left out on purpose.
/// SNR = K + RCS − 40·log10(R / 100 m) (the R⁴ law) plus noise; a detection needs SNR ≥ threshold. A few
/// static clutter reflectors show up at low SNR. The reported target is the nearest mover (else the nearest
/// detection) at least <see cref="PrimaryMarginDb"/> above the threshold, so clutter never becomes "the" target.
/// </summary>
internal sealed class RadarModel
{
    /// <summary>A detection must clear the threshold by this much to be reported as the target.</summary>
    public const double PrimaryMarginDb = 6;

    /// <summary>A detection moving at least this fast (radially) counts as a mover.</summary>
    public const double MoverMinSpeedMps = 0.5;

    private const double ClutterPresence = 0.7,
        ClutterMaxMarginDb = 4,
        MaxSnrDb = 60;
    private readonly SensorModelDefaults _model;
    private readonly SimRandom _rng;
    private readonly (double RangeM, double AzimuthDeg, double MarginDb)[] _clutter;

    public RadarModel(SensorModelDefaults model, int clutterPoints, SimRandom rng)
    {
        _model = model;
        _rng = rng;
        _clutter = new (double, double, double)[clutterPoints];
        for (var i = 0; i < clutterPoints; i++)
            _clutter[i] = (rng.Uniform(3, model.MaxRangeM * 0.8), rng.Uniform(-40, 40), rng.Uniform(0, 3));
    }

    public void Fill(ref SimSample s, World w)
    {
        s.ClearPoints();
        if (w.Scene is { } scene)
        {
            FillMoving(ref s, scene);
            Report(ref s);
            return;
        }
        if (w.ObstaclePresent)
            AddTarget(ref s, w.ObstacleRangeM, w.ObstacleProperties.AzimuthDeg, w.ObstacleClosingSpeedMps, w.ObstacleProperties.RcsDbsm);
        else
            Burn();
        if (w.Background is { } b)
            AddTarget(ref s, b.RangeM, b.AzimuthDeg, 0, b.RcsDbsm);
        else
            Burn();

        foreach (var (range, azimuth, margin) in _clutter)
        {
            var present = _rng.NextDouble() < ClutterPresence;
            var snr = _model.Threshold + Math.Min(margin + 0.5 * _rng.NextGaussian(), ClutterMaxMarginDb);
            var r = range + _model.RangeNoiseM * _rng.NextGaussian();
            var v = 0.02 * _rng.NextGaussian();
            if (present && snr >= _model.Threshold)
                s.TryAddPoint(new SimPoint(Round(r, 100), (float)azimuth, Round(v, 100), Round(snr, 10), IsClutter: true));
        }
        s.SortPointsByRange();
        Report(ref s);
    }

    private void Report(ref SimSample s)
    {
        s.HasTarget = false;
        s.NearestRangeM = s.NearestClosingSpeedMps = s.NearestSnrDb = float.NaN;
        // Report the nearest strong mover if there is one (a static structure must not mask an approaching
        // vehicle), else the nearest strong detection.
        if (!Report(ref s, moversOnly: true))
            Report(ref s, moversOnly: false);
    }

    private bool Report(ref SimSample s, bool moversOnly)
    {
        foreach (var p in s.Points)
        {
            if (p.Level < _model.Threshold + PrimaryMarginDb)
                continue;
            if (moversOnly && Math.Abs(p.ClosingSpeedMps) < MoverMinSpeedMps)
                continue;
            s.HasTarget = true;
            s.NearestRangeM = p.RangeM;
            s.NearestClosingSpeedMps = p.ClosingSpeedMps;
            s.NearestSnrDb = p.Level;
            return true;
        }
        return false;
    }

    /// <summary>
    /// On a locomotive: every object in the field of view and range (nearest first, leaving room for the clutter), each
    /// closing at its own rate — the train's speed times cos(bearing) for a static one; then ground clutter: weak
    /// returns from the ballast and the ground at random ranges, static in the world, so they close at the train's speed too.
    /// </summary>
    private void FillMoving(ref SimSample s, LocomotiveScene scene)
    {
        Span<RadarTarget> targets = stackalloc RadarTarget[SimSample.MaxPoints];
        var halfFov = _model.FovDeg * Math.PI / 360;
        var n = scene.InView(targets[..(SimSample.MaxPoints - _clutter.Length)], halfFov, _model.MaxRangeM);
        foreach (var t in targets[..n])
            AddTarget(ref s, t.RangeM, t.AzimuthDeg, t.ClosingSpeedMps, t.RcsDbsm);

        var maxAzimuth = Math.Min(40, _model.FovDeg / 2);
        for (var i = 0; i < _clutter.Length; i++)
        {
            var present = _rng.NextDouble() < ClutterPresence;
            var range = _rng.Uniform(3, _model.MaxRangeM * 0.8);
            var azimuth = _rng.Uniform(-maxAzimuth, maxAzimuth);
            var snr = _model.Threshold + Math.Min(_clutter[i].MarginDb + 0.5 * _rng.NextGaussian(), ClutterMaxMarginDb);
            var v = scene.SpeedMps * Math.Cos(azimuth * Math.PI / 180) + _model.VelocityNoiseMps * _rng.NextGaussian();
            if (present && snr >= _model.Threshold)
                s.TryAddPoint(new SimPoint(Round(range, 100), (float)azimuth, Round(v, 100), Round(snr, 10), IsClutter: true));
        }
        s.SortPointsByRange();
    }

    /// <summary>SNR (dB, before noise) of a target of <paramref name="rcsDbsm"/> at <paramref name="rangeM"/>.</summary>
    public static double SnrDb(double k, double rcsDbsm, double rangeM) => k + rcsDbsm - 40 * Math.Log10(rangeM / 100);

    private void AddTarget(ref SimSample s, double rangeM, double azimuthDeg, double closingMps, double rcsDbsm)
    {
        var snr = SnrDb(_model.K, rcsDbsm, rangeM) + _model.Noise * _rng.NextGaussian();
        var r = rangeM + _model.RangeNoiseM * _rng.NextGaussian();
        var v = closingMps + _model.VelocityNoiseMps * _rng.NextGaussian();
        if (rangeM < _model.MinRangeM || rangeM > _model.MaxRangeM || snr < _model.Threshold)
            return;
        s.TryAddPoint(new SimPoint(Round(Math.Max(r, 0.01), 100), (float)azimuthDeg, Round(v, 100), Round(Math.Min(snr, MaxSnrDb), 10)));
    }

    // Keep the random stream aligned whether or not a target exists.
    private void Burn()
    {
        _rng.NextGaussian();
        _rng.NextGaussian();
        _rng.NextGaussian();
    }

    private static float Round(double x, double per) => (float)(Math.Round(x * per) / per);
}
