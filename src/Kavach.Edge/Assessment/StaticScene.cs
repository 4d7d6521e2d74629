using Kavach.Edge.Commissioning;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Assessment;

/// <summary>
/// The one rule for "this return is the static scene, not an obstacle": the reference target
/// (Risk.ReferenceRangeM, set by hand or filled from the commissioning record) and the commissioned static
/// clutter (<see cref="ICommissionedScene"/>). A return is the scene when it is at a known static range
/// (within Risk.ConfirmToleranceM, or the return's commissioned spread if wider), does not move
/// (|speed| &lt; Risk.MinClosingSpeedMps) and is not much stronger than it was in clear air — something new
/// standing in front of the clutter is at another range, and something new at the same range returns more.
/// Applied by fusion to each radar frame (which of the reported targets to keep) and by the safety floor to
/// every candidate; the input layer reports what the sensor says. Reads the options live; thread-safe.
/// </summary>
public sealed class StaticScene
{
    private readonly KavachOptions options;
    private readonly IReadOnlyList<LidarReturn>[] _lidar;
    private readonly IReadOnlyList<RadarTarget>[] _radar;

    public StaticScene(KavachOptions options, ICommissionedScene? scene = null)
    {
        this.options = options;
        var n = options.Sensors.Count;
        var on = scene is { Commissioned: true };
        // the record is immutable after start: read once, so each radar frame is judged without allocating
        _lidar = Enumerable.Range(0, n).Select(i => on ? scene!.StaticLidarReturns(i) : []).ToArray();
        _radar = Enumerable.Range(0, n).Select(i => on ? scene!.StaticRadarTargets(i) : []).ToArray();
    }

    /// <summary>A commissioned LiDAR clutter return passes only up to this multiple of its clear-air strength (+3 dB).</summary>
    public const double MaxStrengthRatio = 2.0;

    /// <summary>A commissioned radar clutter target passes only up to this much above its clear-air SNR, dB.</summary>
    public const double MaxSnrRiseDb = 6.0;

    /// <summary>The return is the reference target (static, at the reference range). NaN speed is never static.</summary>
    public bool IsReference(double rangeM, double speedMps) =>
        options.Risk.ReferenceRangeM > 0
        && Math.Abs(rangeM - options.Risk.ReferenceRangeM) <= options.Risk.ConfirmToleranceM
        && Static(speedMps);

    /// <summary>A radar target at <paramref name="sensor"/> is the reference or a commissioned static target.</summary>
    public bool IsStaticRadar(int sensor, double rangeM, double speedMps, double snrDb)
    {
        if (IsReference(rangeM, speedMps))
            return true;
        if ((uint)sensor >= (uint)_radar.Length || !Static(speedMps))
            return false;
        foreach (var t in _radar[sensor])
            if (
                Math.Abs(rangeM - t.RangeM) <= options.Risk.ConfirmToleranceM
                && (double.IsNaN(snrDb) || t.SnrDb is not { } s0 || snrDb <= s0 + MaxSnrRiseDb)
            )
                return true;
        return false;
    }

    /// <summary>A LiDAR return at <paramref name="sensor"/> (speed NaN: a static cluster) is the reference or commissioned
    /// clutter.</summary>
    public bool IsStaticLidar(int sensor, double rangeM, double speedMps, double strength)
    {
        var speed = double.IsNaN(speedMps) ? 0 : speedMps; // a TF LiDAR measures no speed: a cluster is static
        if (IsReference(rangeM, speed))
            return true;
        if ((uint)sensor >= (uint)_lidar.Length || !Static(speed))
            return false;
        foreach (var c in _lidar[sensor])
            if (
                Math.Abs(rangeM - c.RangeM) <= Math.Max(options.Risk.ConfirmToleranceM, 3 * c.SpreadM)
                && (c.Saturated || double.IsNaN(strength) || strength <= MaxStrengthRatio * c.Strength)
            )
                return true;
        return false;
    }

    private bool Static(double speedMps) => Math.Abs(speedMps) < options.Risk.MinClosingSpeedMps;
}
