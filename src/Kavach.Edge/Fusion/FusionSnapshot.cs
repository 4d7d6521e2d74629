using Kavach.Edge.Locomotive;
using Kavach.Protocols;

namespace Kavach.Edge.Fusion;

/// <summary>
/// One fusion tick's output: every sensor's window features and freshness, and the own motion (gnss). Immutable once published
/// (a new one per tick, 10 per second: the only allocation fusion makes).
/// </summary>
public sealed class FusionSnapshot
{
    public FusionSnapshot(long timestamp, SensorFeatures[] sensors)
    {
        Timestamp = timestamp;
        Sensors = sensors;
    }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the tick.</summary>
    public long Timestamp { get; }

    /// <summary>Per configured sensor, in configuration order.</summary>
    public SensorFeatures[] Sensors { get; }

    /// <summary>True when every required sensor has sent at least one frame.</summary>
    public bool AllRequiredSeen { get; init; }

    /// <summary>The train's own motion from the first configured gnss sensor (<see cref="NoGnss"/> when none is configured):
    /// a speed only while <see cref="OwnMotion.Trusted"/>, otherwise the named reason (docs/locomotive.md).</summary>
    public OwnMotion Motion { get; init; } = NoGnss;

    /// <summary>Locomotive mode with a route: where the train is on it and the landmarks ahead at this tick (null: no route
    /// loaded).</summary>
    public Route.RouteView? Route { get; init; }

    /// <summary>The motion of a unit with no gnss sensor: nothing known, never seen.</summary>
    public static OwnMotion NoGnss { get; } = new(double.NaN, double.NaN, double.NaN, SpeedTrust.NeverSeen);

    /// <summary>Live sensors of one kind.</summary>
    public int LiveCount(SensorKind kind)
    {
        var n = 0;
        foreach (ref readonly var s in Sensors.AsSpan())
            if (s.Kind == kind && s.Live)
                n++;
        return n;
    }
}
