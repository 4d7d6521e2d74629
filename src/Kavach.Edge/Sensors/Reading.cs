using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// One decoded sensor frame, typed and timestamped on arrival with the daemon's monotonic clock
/// (<see cref="TimeProvider.GetTimestamp"/>); sensor clocks are never trusted for freshness.
/// A value type: readings travel through the bounded queue without allocation. Absent values are NaN.
/// </summary>
public struct Reading
{
    /// <summary>Index of the sensor in the configuration.</summary>
    public int Sensor;

    /// <summary>Arrival time, <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long Timestamp;

    /// <summary>Role of the sensor.</summary>
    public SensorKind Kind;

    /// <summary>LiDAR: well-formed frame with no valid return (in fog this is the signal, not a fault).</summary>
    public bool NoReturn;

    /// <summary>LiDAR distance, m.</summary>
    public float DistanceM;

    /// <summary>LiDAR return strength, sensor units.</summary>
    public float Strength;

    /// <summary>LiDAR confidence 0–1.</summary>
    public float Confidence;

    /// <summary>Radar: nearest target range, m (NaN: no target).</summary>
    public float RangeM;

    /// <summary>Radar: closing speed of the nearest target, m/s, positive approaching.</summary>
    public float ClosingSpeedMps;

    /// <summary>Radar: SNR of the nearest target, dB.</summary>
    public float SnrDb;

    /// <summary>Radar: the nearest target's offset across the boresight, m, right positive (NaN: the radar gives no angle).</summary>
    public float LateralM;

    /// <summary>Radar: the second-nearest target's range, m (NaN: none). The input layer reports what the radar says;
    /// fusion keeps the nearest target that is not the static scene (Assessment/StaticScene.cs).</summary>
    public float Range2M;

    /// <summary>Radar: closing speed of the second-nearest target, m/s, positive approaching.</summary>
    public float ClosingSpeed2Mps;

    /// <summary>Radar: SNR of the second-nearest target, dB.</summary>
    public float Snr2Db;

    /// <summary>Radar: number of targets in the frame.</summary>
    public int Targets;

    /// <summary>Camera: visibility, m.</summary>
    public float VisibilityM;

    /// <summary>GNSS: the NMEA sentence the reading came from (RMC and VTG carry the speed; GGA the fix).</summary>
    public NmeaSentence GnssSentence;

    /// <summary>GNSS: what the receiver says of the sentence (RMC status A, VTG mode not N, GGA quality not 0).</summary>
    public bool GnssValid;

    /// <summary>GNSS: RMC/VTG mode indicator (<see cref="NmeaMode.NotGiven"/> for GGA or when absent).</summary>
    public NmeaMode GnssMode;

    /// <summary>GNSS: GGA fix quality (0 none … 6 dead reckoning …); -1 absent (RMC, VTG).</summary>
    public int FixQuality;

    /// <summary>GNSS: GGA satellites used; -1 absent.</summary>
    public int Satellites;

    /// <summary>GNSS: GGA horizontal dilution of precision.</summary>
    public float Hdop;

    /// <summary>GNSS: speed over ground, m/s (RMC, VTG).</summary>
    public float SpeedMps;

    /// <summary>GNSS: course over ground, degrees true (RMC, VTG).</summary>
    public float CourseDeg;

    /// <summary>GNSS: latitude, degrees, north positive (RMC, GGA); NaN when absent (VTG, or no fix).</summary>
    public double LatitudeDeg;

    /// <summary>GNSS: longitude, degrees, east positive (RMC, GGA); NaN when absent (VTG, or no fix).</summary>
    public double LongitudeDeg;

    /// <summary>An empty reading of one sensor at one time (every value absent).</summary>
    public static Reading Empty(int sensor, SensorKind kind, long timestamp) =>
        new()
        {
            Sensor = sensor,
            Kind = kind,
            Timestamp = timestamp,
            DistanceM = float.NaN,
            Strength = float.NaN,
            Confidence = float.NaN,
            RangeM = float.NaN,
            ClosingSpeedMps = float.NaN,
            SnrDb = float.NaN,
            LateralM = float.NaN,
            Range2M = float.NaN,
            ClosingSpeed2Mps = float.NaN,
            Snr2Db = float.NaN,
            Targets = 0,
            VisibilityM = float.NaN,
            FixQuality = -1,
            Satellites = -1,
            Hdop = float.NaN,
            SpeedMps = float.NaN,
            CourseDeg = float.NaN,
            LatitudeDeg = double.NaN,
            LongitudeDeg = double.NaN,
        };
}
