using Kavach.Protocols;

namespace Kavach.Edge.Fusion;

/// <summary>
/// What one sensor showed over the fusion window, computed at one tick. Absent values are NaN.
/// A value type in a preallocated array: no allocation per tick.
/// </summary>
public struct SensorFeatures
{
    public int Sensor;
    public SensorKind Kind;

    /// <summary>Has ever sent a decodable frame.</summary>
    public bool EverSeen;

    /// <summary>No decodable frame within its TimeoutMs (or never): the sensor cannot vouch for anything.</summary>
    public bool Stale;

    /// <summary>Output frozen: the same measured value for longer than FrozenMs while a live sensor would vary.</summary>
    public bool Frozen;

    /// <summary>Seconds since the last decodable frame (NaN when never).</summary>
    public float AgeS;

    /// <summary>Frames in the window.</summary>
    public int Frames;

    /// <summary>How long the sensor has been live without a break (stale or frozen), s: under the window length
    /// its window is still filling (start-up, a reconnect).</summary>
    public float LiveForS;

    /// <summary>Fraction of the window's frames with a valid return (LiDAR), a target (radar), a visibility (camera) or a
    /// sentence the receiver marked valid (gnss).</summary>
    public float ValidRatio;

    // LiDAR
    /// <summary>Nearest valid return in the window, m.</summary>
    public float NearestM;

    /// <summary>Median of valid returns, m.</summary>
    public float MedianM;

    /// <summary>Standard deviation of valid returns, m.</summary>
    public float StdM;

    /// <summary>Median return strength of valid returns.</summary>
    public float StrengthMedian;

    /// <summary>The most persistent return: centre of the densest range cluster, m.</summary>
    public float ClusterRangeM;

    /// <summary>Fraction of all the window's frames that fell in that cluster.</summary>
    public float ClusterPersistence;

    /// <summary>Median strength of the cluster's returns.</summary>
    public float ClusterStrength;

    /// <summary>The nearest persistent cluster's centre (may equal ClusterRangeM), m: the obstacle candidate.</summary>
    public float NearClusterRangeM;

    /// <summary>Persistence of the nearest persistent cluster.</summary>
    public float NearClusterPersistence;

    /// <summary>Median strength of the nearest persistent cluster.</summary>
    public float NearClusterStrength;

    /// <summary>The densest cluster beyond <c>Risk.BackscatterMaxRangeM</c>, whatever its persistence, m: a target
    /// seen through backscatter in only part of the frames (dense fog) still shows here.</summary>
    public float FarClusterRangeM;

    /// <summary>Fraction of the window's frames in that far cluster.</summary>
    public float FarClusterPersistence;

    /// <summary>Median strength of the far cluster's returns.</summary>
    public float FarClusterStrength;

    /// <summary>The returns persisting along one constant-speed line (<see cref="LidarTrackFit"/>): its range at the tick, m
    /// (NaN: no track). A static target is a track of speed ≈ 0; a moving one fills no static cluster but is one track.</summary>
    public float TrackRangeM;

    /// <summary>The track's closing speed from its slope, m/s, positive approaching.</summary>
    public float TrackClosingSpeedMps;

    /// <summary>Fraction of the window's frames on the track.</summary>
    public float TrackPersistence;

    /// <summary>Median strength of the track's returns.</summary>
    public float TrackStrength;

    // Radar
    /// <summary>Median range of the nearest target over frames that had one, m.</summary>
    public float RangeM;

    /// <summary>Median closing speed of the nearest target, m/s (positive approaching).</summary>
    public float ClosingSpeedMps;

    /// <summary>Median SNR of the nearest target, dB.</summary>
    public float SnrDb;

    /// <summary>Mean number of targets per frame.</summary>
    public float TargetsMean;

    /// <summary>Latest nearest-target range (for a quick reaction), m.</summary>
    public float LatestRangeM;

    /// <summary>The latest nearest target's offset across the boresight, m, right positive (NaN: no angle from this radar).</summary>
    public float LateralM;

    /// <summary>The nearest range at which the nearest target was reported in at least a fifth of the frames, m:
    /// a weak target reported in only some frames (the others reporting one farther away) shows here, not in the median.</summary>
    public float NearTargetRangeM;

    /// <summary>Fraction of the window's frames whose nearest target lay at <see cref="NearTargetRangeM"/>.</summary>
    public float NearTargetPersistence;

    // Camera
    /// <summary>Median visibility, m.</summary>
    public float VisibilityM;

    /// <summary>Usable for assessment: seen, not stale, not frozen.</summary>
    public readonly bool Live => EverSeen && !Stale && !Frozen;

    public void Clear(int sensor, SensorKind kind)
    {
        this = default;
        Sensor = sensor;
        Kind = kind;
        AgeS = float.NaN;
        ValidRatio = 0;
        NearestM = MedianM = StdM = StrengthMedian = float.NaN;
        ClusterRangeM = ClusterPersistence = ClusterStrength = float.NaN;
        NearClusterRangeM = NearClusterPersistence = NearClusterStrength = float.NaN;
        FarClusterRangeM = FarClusterPersistence = FarClusterStrength = float.NaN;
        TrackRangeM = TrackClosingSpeedMps = TrackPersistence = TrackStrength = float.NaN;
        RangeM = ClosingSpeedMps = SnrDb = LatestRangeM = LateralM = NearTargetRangeM = NearTargetPersistence = float.NaN;
        TargetsMean = 0;
        VisibilityM = float.NaN;
    }
}
