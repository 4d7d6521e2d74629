using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Sensors;
using Kavach.Protocols;

namespace Kavach.Edge.Fusion;

/// <summary>
/// The sliding window of one sensor's readings: a fixed ring buffer (oldest overwritten when full,
/// i.e. coalesced) plus the scratch arrays its features are computed in. Not thread-safe: the fusion
/// engine serialises access. Allocates only at construction.
/// </summary>
public sealed class SensorWindow
{
    private readonly Reading[] _ring;
    private readonly float[] _a,
        _b,
        _c,
        _t;
    private int _head,
        _count;
    private long _lastTimestamp = long.MinValue;
    private long _lastChange = long.MinValue;
    private long _liveSince = long.MinValue; // the first tick of the current live stretch
    private float _lastValueA = float.NaN,
        _lastValueB = float.NaN;

    private readonly StaticScene? _scene;

    /// <param name="scene">The static scene a radar frame's nearest target is passed over for (null: never).</param>
    public SensorWindow(int index, SensorOptions options, int capacity, StaticScene? scene = null)
    {
        Index = index;
        Options = options;
        _scene = scene;
        _ring = new Reading[capacity];
        _a = new float[capacity];
        _b = new float[capacity];
        _c = new float[capacity];
        _t = new float[capacity];
    }

    public int Index { get; }
    public SensorOptions Options { get; }
    public long LastTimestamp => _lastTimestamp;

    public void Add(in Reading r)
    {
        _ring[_head] = r;
        _head = (_head + 1) % _ring.Length;
        if (_count < _ring.Length)
            _count++;
        if (r.Timestamp > _lastTimestamp)
            _lastTimestamp = r.Timestamp;
        TrackChange(r);
    }

    // Frozen output: a live LiDAR's distance/strength and a radar's range/speed jitter from frame to
    // frame; a value repeated bit-for-bit for seconds means a stuck sensor or a stuck converter.
    // "No return" / "no target" frames are legitimate repeats (fog, empty track) and do not count.
    private void TrackChange(in Reading r)
    {
        float a,
            b;
        switch (r.Kind)
        {
            case SensorKind.Lidar when !r.NoReturn:
                a = r.DistanceM;
                b = r.Strength;
                break;
            case SensorKind.Radar when !float.IsNaN(r.RangeM):
                a = r.RangeM;
                b = r.ClosingSpeedMps;
                break;
            case SensorKind.Camera:
                a = r.VisibilityM;
                b = 0;
                break;
            default:
                _lastChange = r.Timestamp;
                _lastValueA = _lastValueB = float.NaN;
                return;
        }
        if (a.Equals(_lastValueA) && b.Equals(_lastValueB) && _lastChange != long.MinValue)
            return;
        _lastValueA = a;
        _lastValueB = b;
        _lastChange = r.Timestamp;
    }

    /// <summary>Computes this window's features at <paramref name="now"/>.</summary>
    public void Compute(long now, TimeProvider time, FusionOptions fusion, RiskOptions risk, ref SensorFeatures f)
    {
        f.Clear(Index, Options.Kind);
        f.EverSeen = _lastTimestamp != long.MinValue;
        if (!f.EverSeen)
        {
            f.Stale = true;
            return;
        }
        var ageMs = time.GetElapsedTime(_lastTimestamp, now).TotalMilliseconds;
        f.AgeS = (float)(ageMs / 1000);
        f.Stale = ageMs > Options.TimeoutMs;
        f.Frozen =
            Options.FrozenMs > 0
            && _lastChange != long.MinValue
            && time.GetElapsedTime(_lastChange, now).TotalMilliseconds > Options.FrozenMs;
        if (!f.Live)
            _liveSince = long.MinValue;
        else if (_liveSince == long.MinValue)
            _liveSince = now;
        f.LiveForS = f.Live ? (float)time.GetElapsedTime(_liveSince, now).TotalSeconds : 0;

        var windowTicks = (long)(fusion.WindowMs / 1000.0 * time.TimestampFrequency);
        var from = now - windowTicks;
        int frames = 0,
            na = 0,
            nb = 0;
        double sum = 0,
            sumSq = 0,
            targets = 0;
        float latestRange = float.NaN,
            latestLateral = float.NaN;
        long latestRangeTs = long.MinValue;
        var cam = 0;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var r = ref _ring[(_head - 1 - i + _ring.Length) % _ring.Length];
            if (r.Timestamp < from || r.Timestamp > now)
                continue;
            frames++;
            switch (r.Kind)
            {
                case SensorKind.Lidar:
                    if (r.NoReturn || float.IsNaN(r.DistanceM))
                        break;
                    _a[na++] = r.DistanceM;
                    sum += r.DistanceM;
                    sumSq += r.DistanceM * (double)r.DistanceM;
                    break;
                case SensorKind.Radar:
                    targets += r.Targets;
                    var (range, speed, _) = Target(r);
                    if (float.IsNaN(range))
                        break;
                    _a[na++] = range;
                    if (!float.IsNaN(speed))
                        _b[nb++] = speed;
                    if (r.Timestamp > latestRangeTs)
                    {
                        latestRangeTs = r.Timestamp;
                        latestRange = range;
                        latestLateral = range.Equals(r.RangeM) ? r.LateralM : float.NaN;
                    }
                    break;
                case SensorKind.Camera:
                    if (!float.IsNaN(r.VisibilityM))
                        _a[cam++] = r.VisibilityM;
                    break;
                case SensorKind.Gnss:
                    if (r.GnssValid)
                        na++; // health only: the speed goes through the fusion engine's GnssSpeedTracker
                    break;
            }
        }
        f.Frames = frames;
        if (frames == 0)
            return;

        switch (Options.Kind)
        {
            case SensorKind.Lidar:
                f.ValidRatio = na / (float)frames;
                if (na == 0)
                    break;
                var mean = sum / na;
                f.StdM = (float)Math.Sqrt(Math.Max(0, sumSq / na - mean * mean));
                ComputeLidarTrack(from, now, frames, time, fusion, risk, ref f);
                ComputeLidarClusters(from, now, frames, risk, ref f);
                break;
            case SensorKind.Radar:
                f.ValidRatio = na / (float)frames;
                f.TargetsMean = (float)(targets / frames);
                if (na == 0)
                    break;
                f.RangeM = Median(_a.AsSpan(0, na)); // sorts _a[..na]
                NearTarget(_a.AsSpan(0, na), frames, (float)risk.ConfirmToleranceM, ref f);
                f.ClosingSpeedMps = nb > 0 ? Median(_b.AsSpan(0, nb)) : 0f;
                f.LatestRangeM = latestRange;
                f.LateralM = latestLateral;
                f.SnrDb = MedianSnr(from, now);
                break;
            case SensorKind.Camera:
                f.ValidRatio = cam / (float)frames;
                if (cam > 0)
                    f.VisibilityM = Median(_a.AsSpan(0, cam));
                break;
            case SensorKind.Gnss:
                f.ValidRatio = na / (float)frames; // sentences the receiver marked valid
                break;
        }
    }

    // A moving target's returns spread along the window (10 m at 10 m/s in 1 s) and fill no static cluster:
    // judged along a constant-speed line instead (LidarTrackFit), they persist as one target with a present
    // range and a closing speed. Fog backscatter (scattered, never in consecutive frames) fits no such line.
    private void ComputeLidarTrack(
        long from,
        long now,
        int frames,
        TimeProvider time,
        FusionOptions fusion,
        RiskOptions risk,
        ref SensorFeatures f
    )
    {
        var n = 0;
        var freq = (double)time.TimestampFrequency;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var r = ref _ring[(_head - 1 - i + _ring.Length) % _ring.Length];
            if (r.Timestamp < from || r.Timestamp > now || r.NoReturn || float.IsNaN(r.DistanceM))
                continue;
            _t[n] = (float)((r.Timestamp - now) / freq);
            _a[n] = r.DistanceM;
            _b[n] = r.Strength;
            n++;
        }
        if (
            !LidarTrackFit.TryFit(
                _t.AsSpan(0, n),
                _a.AsSpan(0, n),
                _b.AsSpan(0, n),
                frames,
                (float)risk.ConfirmToleranceM,
                risk.MinPersistence,
                fusion.WindowMs / 1000f,
                _c,
                out var track
            )
        )
            return;
        f.TrackRangeM = track.RangeM;
        f.TrackClosingSpeedMps = track.ClosingSpeedMps;
        f.TrackPersistence = track.Inliers / (float)frames;
        f.TrackStrength = track.StrengthMedian;
    }

    // Returns are sorted by range and grouped into clusters no wider than the confirmation tolerance.
    // The densest cluster is the "dominant" return (often the reference target); the nearest cluster
    // holding at least MinPersistence of the frames is the obstacle candidate. Fog backscatter is
    // scattered and intermittent, so it rarely forms a persistent cluster (see docs/safety-floor.md).
    // The densest cluster beyond backscatter range is kept too (for the model): in dense fog a target may
    // return in only a third of the frames, the rest being backscatter, and never reach MinPersistence.
    private void ComputeLidarClusters(long from, long now, int frames, RiskOptions risk, ref SensorFeatures f)
    {
        // Distances and their strengths go into the two scratch arrays and are sorted together.
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var r = ref _ring[(_head - 1 - i + _ring.Length) % _ring.Length];
            if (r.Timestamp < from || r.Timestamp > now || r.NoReturn || float.IsNaN(r.DistanceM))
                continue;
            _a[n] = r.DistanceM;
            _b[n] = r.Strength;
            n++;
        }
        var d = _a.AsSpan(0, n);
        var s = _b.AsSpan(0, n);
        d.Sort(s);
        f.NearestM = d[0];
        f.MedianM = d[n / 2];
        f.StrengthMedian = MedianCopy(s);

        var tol = (float)risk.ConfirmToleranceM;
        int bestStart = 0,
            bestLen = 0,
            nearStart = -1,
            nearLen = 0;
        var j = 0;
        for (var i = 0; i < n; i++)
        {
            while (d[i] - d[j] > 2 * tol)
                j++;
            var len = i - j + 1;
            if (len > bestLen)
            {
                bestLen = len;
                bestStart = j;
            }
        }
        // nearest cluster with enough persistence: first window (by start) reaching the threshold
        var need = (int)Math.Ceiling(risk.MinPersistence * frames);
        j = 0;
        for (var i = 0; i < n && nearStart < 0; i++)
        {
            while (d[i] - d[j] > 2 * tol)
                j++;
            if (i - j + 1 >= need)
            {
                // extend to the full cluster from j
                var end = i;
                while (end + 1 < n && d[end + 1] - d[j] <= 2 * tol)
                    end++;
                nearStart = j;
                nearLen = end - j + 1;
            }
        }
        // the densest cluster beyond backscatter range (returns are sorted: a suffix of d)
        var far = 0;
        var near = (float)risk.BackscatterMaxRangeM;
        while (far < n && d[far] <= near)
            far++;
        int farStart = -1,
            farLen = 0;
        j = far;
        for (var i = far; i < n; i++)
        {
            while (d[i] - d[j] > 2 * tol)
                j++;
            if (i - j + 1 > farLen)
            {
                farLen = i - j + 1;
                farStart = j;
            }
        }
        if (farStart >= 0)
        {
            f.FarClusterRangeM = d[farStart + farLen / 2];
            f.FarClusterPersistence = farLen / (float)frames;
            f.FarClusterStrength = MedianCopy(s.Slice(farStart, farLen));
        }
        f.ClusterRangeM = d[bestStart + bestLen / 2];
        f.ClusterPersistence = bestLen / (float)frames;
        f.ClusterStrength = MedianCopy(s.Slice(bestStart, bestLen));
        if (nearStart >= 0)
        {
            f.NearClusterRangeM = d[nearStart + nearLen / 2];
            f.NearClusterPersistence = nearLen / (float)frames;
            f.NearClusterStrength = MedianCopy(s.Slice(nearStart, nearLen));
        }
    }

    /// <summary>A reported target needs this fraction of the frames to count as <see cref="SensorFeatures.NearTargetRangeM"/>.</summary>
    public const float NearTargetMinPersistence = 0.2f;

    // The nearest group of reported ranges (no wider than twice the tolerance) holding enough of the frames.
    private static void NearTarget(ReadOnlySpan<float> sorted, int frames, float tol, ref SensorFeatures f)
    {
        var need = Math.Max(1, (int)Math.Ceiling(NearTargetMinPersistence * frames));
        var j = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            while (sorted[i] - sorted[j] > 2 * tol)
                j++;
            if (i - j + 1 < need)
                continue;
            var end = i;
            while (end + 1 < sorted.Length && sorted[end + 1] - sorted[j] <= 2 * tol)
                end++;
            f.NearTargetRangeM = sorted[j + (end - j) / 2];
            f.NearTargetPersistence = (end - j + 1) / (float)frames;
            return;
        }
    }

    private float MedianSnr(long from, long now)
    {
        var n = 0;
        for (var i = 0; i < _count; i++)
        {
            ref readonly var r = ref _ring[(_head - 1 - i + _ring.Length) % _ring.Length];
            if (r.Timestamp < from || r.Timestamp > now)
                continue;
            var (range, _, snr) = Target(r);
            if (float.IsNaN(snr) || float.IsNaN(range))
                continue;
            _b[n++] = snr;
        }
        return n == 0 ? float.NaN : Median(_b.AsSpan(0, n));
    }

    // The radar frame's target: the nearest, unless it is the static scene (reference, commissioned clutter) and the
    // second-nearest is not — then the second, so an obstacle behind the reflector is seen. The scene alone is kept
    // (the floor recognises it and measures fog on it).
    private (float RangeM, float SpeedMps, float SnrDb) Target(in Reading r)
    {
        if (
            _scene is not null
            && !float.IsNaN(r.RangeM)
            && !float.IsNaN(r.Range2M)
            && _scene.IsStaticRadar(Index, r.RangeM, r.ClosingSpeedMps, r.SnrDb)
            && !_scene.IsStaticRadar(Index, r.Range2M, r.ClosingSpeed2Mps, r.Snr2Db)
        )
            return (r.Range2M, r.ClosingSpeed2Mps, r.Snr2Db);
        return (r.RangeM, r.ClosingSpeedMps, r.SnrDb);
    }

    private static float Median(Span<float> values)
    {
        values.Sort();
        return values[values.Length / 2];
    }

    // Median of a slice whose order must be kept (strengths paired with sorted distances): NaN-aware, small n.
    private float MedianCopy(ReadOnlySpan<float> values)
    {
        var tmp = _c.AsSpan(0, values.Length);
        var m = 0;
        foreach (var v in values)
            if (!float.IsNaN(v))
                tmp[m++] = v;
        if (m == 0)
            return float.NaN;
        tmp = tmp[..m];
        tmp.Sort();
        return tmp[m / 2];
    }
}
