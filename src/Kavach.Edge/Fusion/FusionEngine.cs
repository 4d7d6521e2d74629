using Kavach.Edge.Assessment;
using Kavach.Edge.Commissioning;
using Kavach.Edge.Configuration;
using Kavach.Edge.Sensors;

namespace Kavach.Edge.Fusion;

/// <summary>
/// Keeps one sliding window per sensor and computes a <see cref="FusionSnapshot"/> per tick.
/// The only place that knows time windows. Thread-safe: readings are added by the queue's reader,
/// ticks come from the pipeline loop; one lock serialises them (uncontended in practice).
/// </summary>
public sealed class FusionEngine
{
    private readonly KavachOptions _options;
    private readonly TimeProvider _time;
    private readonly SensorWindow[] _windows;
    private readonly Lock _lock = new();

    /// <param name="scene">The commissioned static scene radar frames are passed over for (null: the reference alone).</param>
    public FusionEngine(KavachOptions options, TimeProvider time, ICommissionedScene? scene = null)
    {
        _options = options;
        _time = time;
        _windows = new SensorWindow[options.Sensors.Count];
        var statics = new StaticScene(options, scene);
        for (var i = 0; i < _windows.Length; i++)
            _windows[i] = new SensorWindow(i, options.Sensors[i], options.Fusion.MaxReadingsPerWindow, statics);
    }

    public void Add(in Reading reading)
    {
        if ((uint)reading.Sensor >= (uint)_windows.Length) return;
        lock (_lock) _windows[reading.Sensor].Add(reading);
    }

    /// <summary>Adds a batch under one lock (the queue reader drains in batches).</summary>
    public void AddRange(ReadOnlySpan<Reading> readings)
    {
        lock (_lock)
        {
            foreach (ref readonly var r in readings)
                if ((uint)r.Sensor < (uint)_windows.Length) _windows[r.Sensor].Add(r);
        }
    }

    /// <summary>Computes the features of every window at <paramref name="now"/>.</summary>
    public FusionSnapshot Tick(long now)
    {
        var features = new SensorFeatures[_windows.Length];
        var allRequiredSeen = true;
        lock (_lock)
        {
            for (var i = 0; i < _windows.Length; i++)
            {
                _windows[i].Compute(now, _time, _options.Fusion, _options.Risk, ref features[i]);
                if (_options.Sensors[i].Required && !features[i].EverSeen) allRequiredSeen = false;
            }
        }
        return new FusionSnapshot(now, features) { AllRequiredSeen = allRequiredSeen };
    }
}
