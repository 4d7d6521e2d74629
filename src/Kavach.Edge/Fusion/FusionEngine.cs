using Kavach.Edge.Assessment;
using Kavach.Edge.Commissioning;
using Kavach.Edge.Configuration;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Sensors;
using Kavach.Edge.Sensors.Protocols;
using Kavach.Protocols;

namespace Kavach.Edge.Fusion;

/// <summary>
/// Keeps one sliding window per sensor and computes a <see cref="FusionSnapshot"/> per tick.
/// The only place that knows time windows. A gnss sensor also feeds its <see cref="GnssSpeedTracker"/> (the snapshot's
/// <see cref="FusionSnapshot.Motion"/>); its window only counts frames for health, and no scene feature reads it. Thread-safe: readings are
/// added by the queue's reader, ticks come from the pipeline loop; one lock serialises them (uncontended in practice).
/// </summary>
public sealed class FusionEngine
{
    private readonly KavachOptions _options;
    private readonly TimeProvider _time;
    private readonly SensorWindow[] _windows;
    private readonly GnssSpeedTracker?[] _trackers; // per sensor: non-null for gnss sensors
    private readonly int _motionSensor = -1; // the first configured gnss sensor
    private readonly Lock _lock = new();
    private readonly Route.RouteMatcher? _route; // a cab with a route: fed by the motion sensor's fixes

    /// <param name="scene">The commissioned static scene radar frames are passed over for (null: the reference alone).</param>
    /// <param name="route">A locomotive's route (null: none loaded): the first gnss sensor's fixes are matched to it.</param>
    public FusionEngine(KavachOptions options, TimeProvider time, ICommissionedScene? scene = null, Route.RouteMap? route = null)
    {
        _options = options;
        _time = time;
        _windows = new SensorWindow[options.Sensors.Count];
        var statics = new StaticScene(options, scene);
        for (var i = 0; i < _windows.Length; i++)
            _windows[i] = new SensorWindow(i, options.Sensors[i], options.Fusion.MaxReadingsPerWindow, statics);
        _trackers = new GnssSpeedTracker?[_windows.Length];
        for (var i = 0; i < _windows.Length; i++)
        {
            if (options.Sensors[i].Kind != SensorKind.Gnss)
                continue;
            _trackers[i] = new GnssSpeedTracker(time, NmeaProtocol.TrustOptions(options.Sensors[i]));
            if (_motionSensor < 0)
                _motionSensor = i;
        }
        if (route is not null && _motionSensor >= 0)
            _route = new Route.RouteMatcher(
                route,
                time,
                new Route.RouteMatchOptions { StaleMs = NmeaProtocol.TrustOptions(options.Sensors[_motionSensor]).StaleMs }
            );
    }

    public void Add(in Reading reading)
    {
        if ((uint)reading.Sensor >= (uint)_windows.Length)
            return;
        lock (_lock)
            AddLocked(reading);
    }

    /// <summary>Adds a batch under one lock (the queue reader drains in batches).</summary>
    public void AddRange(ReadOnlySpan<Reading> readings)
    {
        lock (_lock)
        {
            foreach (ref readonly var r in readings)
                if ((uint)r.Sensor < (uint)_windows.Length)
                    AddLocked(r);
        }
    }

    private void AddLocked(in Reading r)
    {
        _windows[r.Sensor].Add(r);
        if (r.Kind != SensorKind.Gnss)
            return;
        _trackers[r.Sensor]?.Observe(r); // at the reading's own arrival time
        if (_route is not null && r.Sensor == _motionSensor)
            _route.Observe(r, _trackers[r.Sensor]!.Current(r.Timestamp));
    }

    /// <summary>Computes the features of every window at <paramref name="now"/>.</summary>
    public FusionSnapshot Tick(long now)
    {
        var features = new SensorFeatures[_windows.Length];
        var allRequiredSeen = true;
        var motion = FusionSnapshot.NoGnss;
        Route.RouteView? route = null;
        lock (_lock)
        {
            for (var i = 0; i < _windows.Length; i++)
            {
                _windows[i].Compute(now, _time, _options.Fusion, _options.Risk, ref features[i]);
                if (_options.Sensors[i].Required && !features[i].EverSeen)
                    allRequiredSeen = false;
            }
            if (_motionSensor >= 0)
                motion = _trackers[_motionSensor]!.Current(now);
            if (_route is not null)
            {
                var ahead = new Route.LandmarkAhead[Route.RouteView.Shown];
                var position = _route.Locate(now, ahead);
                route = new Route.RouteView(position, ahead.AsMemory(0, position.AheadCount));
            }
        }
        return new FusionSnapshot(now, features)
        {
            AllRequiredSeen = allRequiredSeen,
            Motion = motion,
            Route = route,
        };
    }
}
