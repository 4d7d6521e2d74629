using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>Sees every point of each decoded radar frame, not just the nearest target a reading carries.</summary>
public interface IRadarPointSink
{
    /// <summary>Called on the transport's thread, once per frame; the spans are valid only during the call.</summary>
    void OnFrame(int sensor, long timestamp, ReadOnlySpan<MmwavePoint> points, ReadOnlySpan<MmwaveSideInfo> side);
}

public sealed partial class SensorState
{
    /// <summary>ti-mmwave: a sink for the whole point cloud (commissioning learns the static scene from it).
    /// Null in the daemon. Set before the inputs start.</summary>
    public IRadarPointSink? PointSink { get; set; }
}
