using Kavach.Edge.Configuration;
using Kavach.Edge.Sensors;
using Kavach.Protocols;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// Collects what every sensor reports during a commissioning run — LiDAR returns, the radar's whole point cloud
/// (ti-mmwave, through <see cref="IRadarPointSink"/>) or its reported targets (other radars) — and turns it into the
/// static scene. Thread-safe: readings come from the queue's reader, points from the transports' threads.
/// </summary>
public sealed class SceneLearner(KavachOptions options) : IRadarPointSink
{
    /// <summary>Least fraction of the frames a static return must appear in.</summary>
    public const double MinPresence = 0.2;

    /// <summary>Neighbouring ranges farther apart than this belong to different returns, m.</summary>
    public const double ClusterGapM = 1.0;

    private readonly Lock _lock = new();
    private readonly List<StaticClusters.Observation>[] _obs = options
        .Sensors.Select(_ => new List<StaticClusters.Observation>())
        .ToArray();
    private readonly long[] _frames = new long[options.Sensors.Count];
    private readonly long[] _noReturn = new long[options.Sensors.Count];
    private readonly long[] _moving = new long[options.Sensors.Count];
    private readonly bool[] _cloud = new bool[options.Sensors.Count];
    private bool _collecting;

    /// <summary>Starts (true) or stops collecting; readings before the start (sensors still joining) are ignored.</summary>
    public bool Collecting
    {
        get
        {
            lock (_lock)
                return _collecting;
        }
        set
        {
            lock (_lock)
                _collecting = value;
        }
    }

    /// <summary>Frames collected from one sensor.</summary>
    public long Frames(int sensor)
    {
        lock (_lock)
            return _frames[sensor];
    }

    public void Add(in Reading r)
    {
        if ((uint)r.Sensor >= (uint)_frames.Length)
            return;
        lock (_lock)
        {
            if (!_collecting)
                return;
            var i = r.Sensor;
            switch (r.Kind)
            {
                case SensorKind.Lidar:
                    _frames[i]++;
                    if (r.NoReturn || float.IsNaN(r.DistanceM))
                    {
                        _noReturn[i]++;
                        break;
                    }
                    _obs[i].Add(new(r.DistanceM, r.Strength, 0, _frames[i]));
                    break;
                case SensorKind.Radar when !_cloud[i]:
                    _frames[i]++;
                    if (float.IsNaN(r.RangeM))
                    {
                        _noReturn[i]++;
                        break;
                    }
                    var speed = float.IsNaN(r.ClosingSpeedMps) ? 0 : r.ClosingSpeedMps;
                    if (MathF.Abs(speed) >= options.Risk.MinClosingSpeedMps)
                    {
                        _moving[i]++;
                        break;
                    }
                    _obs[i].Add(new(r.RangeM, r.SnrDb, speed, _frames[i]));
                    break;
                case SensorKind.Camera:
                    _frames[i]++;
                    break;
            }
        }
    }

    public void OnFrame(int sensor, long timestamp, ReadOnlySpan<MmwavePoint> points, ReadOnlySpan<MmwaveSideInfo> side)
    {
        if ((uint)sensor >= (uint)_frames.Length)
            return;
        lock (_lock)
        {
            _cloud[sensor] = true; // the point cloud replaces this radar's readings
            if (!_collecting)
                return;
            var frame = ++_frames[sensor];
            if (points.Length == 0)
                _noReturn[sensor]++;
            var moved = false;
            for (var p = 0; p < points.Length; p++)
            {
                var v = points[p].VelocityMps;
                var speed = float.IsNaN(v) ? 0 : -v; // positive = approaching
                if (MathF.Abs(speed) >= options.Risk.MinClosingSpeedMps)
                {
                    moved = true;
                    continue;
                }
                _obs[sensor].Add(new(points[p].RangeM, p < side.Length ? side[p].SnrDb : float.NaN, speed, frame));
            }
            if (moved)
                _moving[sensor]++;
        }
    }

    /// <summary>The static scene as learned so far.</summary>
    public (LidarScene? Lidar, RadarScene? Radar, long Frames)[] Scenes()
    {
        lock (_lock)
        {
            var result = new (LidarScene?, RadarScene?, long)[_frames.Length];
            for (var i = 0; i < _frames.Length; i++)
            {
                var so = options.Sensors[i];
                var frames = _frames[i];
                var clusters = StaticClusters.Find([.. _obs[i]], frames, ClusterGapM, MinPresence);
                result[i] = so.Kind switch
                {
                    SensorKind.Lidar => (LidarOf(so, clusters, frames, _noReturn[i]), null, frames),
                    SensorKind.Radar => (null, RadarOf(so, clusters, frames, _moving[i]), frames),
                    _ => (null, null, frames),
                };
            }
            return result;
        }
    }

    private static LidarScene LidarOf(SensorOptions so, List<StaticClusters.Cluster> clusters, long frames, long noReturn)
    {
        var returns = clusters
            .Select(c => new LidarReturn(
                Math.Round(c.RangeM, 2),
                Math.Round(c.Value, 0),
                Math.Round(c.SpreadM, 3),
                Math.Round(c.Presence, 3),
                c.Value >= 0.98 * so.MaxStrength
            ))
            .ToList();
        return new LidarScene(
            frames == 0 ? 1 : Math.Round(noReturn / (double)frames, 3),
            returns,
            null,
            null,
            so.MinStrength,
            so.MaxStrength,
            so.MaxRangeM > 0 ? so.MaxRangeM : null
        );
    }

    private static RadarScene RadarOf(SensorOptions so, List<StaticClusters.Cluster> clusters, long frames, long moving)
    {
        // ops243 and json-lines radars report one target per frame, already gated: every one is above the gate
        var gated = so.Protocol == Sensors.Protocols.TiMmwaveProtocol.Entry;
        var targets = clusters
            .Select(c => new RadarTarget(
                Math.Round(c.RangeM, 2),
                double.IsNaN(c.Value) ? null : Math.Round(c.Value, 1),
                Math.Round(c.SpeedMps, 2),
                Math.Round(c.Presence, 3),
                !gated || (!double.IsNaN(c.Value) && c.Value >= so.MinSnrDb)
            ))
            .ToList();
        return new RadarScene(so.MinSnrDb, targets, frames == 0 ? 0 : Math.Round(moving / (double)frames, 3));
    }
}
