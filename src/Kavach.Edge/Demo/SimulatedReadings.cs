using Kavach.Edge.Sensors;
using Kavach.Protocols;
using Kavach.Simulation;

namespace Kavach.Edge.Demo;

/// <summary>
/// A simulator sample as the decoders would put it in a <see cref="Reading"/> (JsonLinesConnection, the TF and TI
/// decoders): the one mapping the training-data tool and the in-process site tests share, so both feed fusion the
/// same values the wire would.
/// </summary>
public static class SimulatedReadings
{
    /// <summary>The reading of sensor <paramref name="index"/> for <paramref name="s"/>, stamped <paramref name="timestamp"/>.</summary>
    public static Reading ToReading(int index, in SimSample s, long timestamp)
    {
        var r = Reading.Empty(index, s.Kind, timestamp);
        switch (s.Kind)
        {
            case SensorKind.Lidar:
                r.NoReturn = !s.HasReturn;
                r.DistanceM = s.HasReturn ? s.DistanceM : float.NaN;
                r.Strength = s.Strength;
                r.Confidence = s.Confidence;
                break;
            case SensorKind.Radar:
                r.RangeM = s.HasTarget ? s.NearestRangeM : float.NaN;
                r.ClosingSpeedMps = s.HasTarget ? s.NearestClosingSpeedMps : float.NaN;
                r.SnrDb = s.HasTarget ? s.NearestSnrDb : float.NaN;
                r.Targets = s.PointCount;
                break;
            default:
                r.VisibilityM = s.VisibilityM;
                break;
        }
        return r;
    }
}
