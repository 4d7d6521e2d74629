using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Kavach.Protocols;

namespace Kavach.Simulation;

/// <summary>
/// What one simulated sensor frame measured, as physical values (no bytes): the LiDAR's distance or "no
/// return" and strength, the radar's detections, the camera's visibility, and the fault injected into the
/// frame's bytes. Produced by <see cref="SimSensor.Sample"/>; <see cref="SimSensor.Encode"/> turns it into the
/// wire format. Ground-truth flags (<see cref="IsBackscatter"/>, <see cref="SimPoint.IsClutter"/>) are for
/// tests and model training: a real sensor does not send them.
/// </summary>
public struct SimSample
{
    /// <summary>Largest number of <see cref="Points"/> a sample carries.</summary>
    public const int MaxPoints = 16;

    private PointBuffer _points;

    /// <summary>Scenario time of the frame, seconds.</summary>
    public double TimeS { get; internal set; }

    /// <summary>The sensor's kind.</summary>
    public SensorKind Kind { get; internal set; }

    /// <summary>Frame counter of this sensor (0 for the first sample).</summary>
    public long Sequence { get; internal set; }

    /// <summary>The fault to inject into this frame's bytes (<see cref="FaultType.None"/> = clean).</summary>
    public FaultType Fault { get; internal set; }

    /// <summary>LiDAR: a valid return (else the frame is a well-formed "no return" frame).</summary>
    public bool HasReturn { get; internal set; }

    /// <summary>LiDAR: measured distance, metres, quantised to the sensor's unit; NaN without a return.</summary>
    public float DistanceM { get; internal set; }

    /// <summary>LiDAR: return strength in the sensor's units (also sent on "no return" frames).</summary>
    public float Strength { get; internal set; }

    /// <summary>LiDAR: confidence 0..1 derived from the strength (0 without a return).</summary>
    public float Confidence { get; internal set; }

    /// <summary>LiDAR ground truth: the return is a false one from fog backscatter.</summary>
    public bool IsBackscatter { get; internal set; }

    /// <summary>Radar: the target reported as "the" target (nearest strong one); false = no target.</summary>
    public bool HasTarget { get; internal set; }

    /// <summary>Radar: range of the reported target, metres (NaN without one).</summary>
    public float NearestRangeM { get; internal set; }

    /// <summary>Radar: closing speed of the reported target, m/s, positive = approaching (NaN without one).</summary>
    public float NearestClosingSpeedMps { get; internal set; }

    /// <summary>Radar: SNR of the reported target, dB (NaN without one).</summary>
    public float NearestSnrDb { get; internal set; }

    /// <summary>Camera: measured visibility, metres.</summary>
    public float VisibilityM { get; internal set; }

    /// <summary>Camera: the original design's normalised visibility, visibility_m / 2000 clamped to 0..1.</summary>
    public readonly float VisibilityNormalised => Math.Clamp(VisibilityM / 2000f, 0f, 1f);

    /// <summary>GNSS: the receiver has a fix (false in a GNSS loss: the sentences then carry no position, speed or course).</summary>
    public bool GnssFix { get; internal set; }

    /// <summary>GNSS: UTC of the fix.</summary>
    public DateTime GnssUtc { get; internal set; }

    /// <summary>GNSS: latitude, degrees north (NaN without a fix).</summary>
    public double LatitudeDeg { get; internal set; }

    /// <summary>GNSS: longitude, degrees east (NaN without a fix).</summary>
    public double LongitudeDeg { get; internal set; }

    /// <summary>GNSS: altitude above mean sea level, metres (NaN without a fix).</summary>
    public double AltitudeM { get; internal set; }

    /// <summary>GNSS: measured speed over ground, m/s (NaN without a fix).</summary>
    public double GroundSpeedMps { get; internal set; }

    /// <summary>GNSS: measured course over ground, degrees true (NaN without a fix or when standing still).</summary>
    public double CourseDeg { get; internal set; }

    /// <summary>GNSS: satellites used (0 without a fix).</summary>
    public int Satellites { get; internal set; }

    /// <summary>GNSS: horizontal dilution of precision (99.99 without a fix, as u-blox receivers send).</summary>
    public double Hdop { get; internal set; }

    /// <summary>Ground truth (locomotive): the train's speed, m/s (NaN on a trackside post).</summary>
    public double TrainSpeedMps { get; internal set; }

    /// <summary>Ground truth (locomotive): distance along the track to the nearest object on the track ahead, metres (NaN when
    /// none).</summary>
    public double TrackObstacleRangeM { get; internal set; }

    /// <summary>
    /// Ground truth (locomotive): an object on the track ahead is within this sensor's maximum range (for a GNSS receiver
    /// or a camera: within the scenario's longest LiDAR or radar range). Geometric reach: fog may still hide it.
    /// </summary>
    public bool TrackObstacleInReach { get; internal set; }

    /// <summary>Number of <see cref="Points"/>.</summary>
    public int PointCount { get; private set; }

    /// <summary>Radar detections (sorted by range) or the LD06 packet's 12 points.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<SimPoint> Points => ((ReadOnlySpan<SimPoint>)_points)[..PointCount];

    /// <summary>LD06: rotation speed, degrees/s.</summary>
    public float SpeedDegPerS { get; internal set; }

    /// <summary>LD06: angle of the first point, degrees [0, 360).</summary>
    public float StartAngleDeg { get; internal set; }

    /// <summary>LD06: angle of the last point, degrees [0, 360).</summary>
    public float EndAngleDeg { get; internal set; }

    internal bool TryAddPoint(in SimPoint p)
    {
        if (PointCount >= MaxPoints)
            return false;
        _points[PointCount++] = p;
        return true;
    }

    internal void ClearPoints() => PointCount = 0;

    internal void SortPointsByRange()
    {
        Span<SimPoint> span = _points;
        span = span[..PointCount];
        for (var i = 1; i < span.Length; i++)
        {
            var x = span[i];
            var j = i - 1;
            while (j >= 0 && span[j].RangeM > x.RangeM)
            {
                span[j + 1] = span[j];
                j--;
            }
            span[j + 1] = x;
        }
    }

    [InlineArray(MaxPoints)]
    private struct PointBuffer
    {
        private SimPoint _element;
    }
}

/// <summary>One radar detection or LD06 point.</summary>
/// <param name="RangeM">Range, metres (0 = no return for an LD06 point).</param>
/// <param name="AzimuthDeg">Bearing, degrees (radar: from boresight, positive to the right; LD06: scan angle 0..360).</param>
/// <param name="ClosingSpeedMps">Radar: closing speed, m/s, positive = approaching.</param>
/// <param name="Level">Radar: SNR, dB; LD06: intensity 0–255.</param>
/// <param name="IsClutter">Ground truth: a static clutter reflector rather than the obstacle or the background.</param>
public readonly record struct SimPoint(float RangeM, float AzimuthDeg, float ClosingSpeedMps, float Level, bool IsClutter = false);
