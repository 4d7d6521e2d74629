using System.Globalization;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Protocols;

namespace Kavach.Edge.Model;

/// <summary>Why the model did not answer a window (the metric's <c>reason</c> tag).</summary>
public enum Abstention
{
    /// <summary>A required sensor is not live (never heard, stale or frozen): the unit is FAULT, the model has no say.</summary>
    SensorNotLive,

    /// <summary>A live LiDAR or radar sent nothing in the window (its link stalled before its TimeoutMs ran out).</summary>
    SensorSilent,

    /// <summary>A sensor's window is still filling: after start-up, a stale spell or a silence.</summary>
    WindowFilling,

    /// <summary>A LiDAR returned from beyond its configured reach: its inputs contradict its configuration.</summary>
    BeyondReach,

    /// <summary>An input lies outside the training envelope (<see cref="ModelEnvelope"/>).</summary>
    OutsideEnvelope,
}

/// <summary>
/// The run-time gates around the model (models/README.md, "Where the model abstains"): the windows the model is
/// not asked about, and the evidence its HIGH needs. Inconsistent inputs — a required sensor not live, a LiDAR or
/// radar that sent nothing in the window, a window refilling after a silence, a LiDAR return beyond its MaxRangeM,
/// an input outside the training envelope — are abstentions for the whole window, never features: the model reads
/// the roles together, so one unusable block makes its whole answer unusable, and the floor alone decides.
/// Owned by the <see cref="ModelLayer"/> and called from the tick loop only; the counters may be read from any thread.
/// </summary>
public sealed class ModelGate
{
    /// <summary>A LiDAR return more than this fraction beyond the sensor's MaxRangeM contradicts its configuration.</summary>
    public const double ReachTolerance = 0.05;

    private static readonly int Kinds = Enum.GetValues<Abstention>().Length;
    private readonly KavachOptions _options;
    private readonly int _refillTicks;
    private readonly int[] _refill;
    private readonly long[] _counts = new long[Kinds];
    private (Abstention Kind, int Index) _lastKey = ((Abstention)(-1), -1);
    private string _lastReason = "";

    public ModelGate(KavachOptions options, double warmUpS)
    {
        _options = options;
        _refill = new int[options.Sensors.Count];
        _refillTicks = (int)Math.Ceiling(warmUpS * 1000 / options.Fusion.TickMs);
    }

    /// <summary>Windows abstained for <paramref name="kind"/> since start (thread-safe read).</summary>
    public long Count(Abstention kind) => Interlocked.Read(ref _counts[(int)kind]);

    /// <summary>The metric's tag for <paramref name="kind"/>.</summary>
    public static string Name(Abstention kind) =>
        kind switch
        {
            Abstention.SensorNotLive => "sensor-not-live",
            Abstention.SensorSilent => "sensor-silent",
            Abstention.WindowFilling => "window-filling",
            Abstention.BeyondReach => "beyond-reach",
            _ => "outside-envelope",
        };

    /// <summary>
    /// The sensor gates, before any feature is computed: "model abstains: …" or null. Called once per tick
    /// (it counts ticks after a silence), then <see cref="Outside"/> when it returns null.
    /// </summary>
    public string? Sensors(FusionSnapshot snapshot, double warmUpS)
    {
        string? why = null;
        var sensors = snapshot.Sensors;
        for (var i = 0; i < sensors.Length; i++)
        {
            ref readonly var f = ref sensors[i];
            if (f.Kind == SensorKind.Gnss)
                continue; // the own speed, not a scene input: its silence is SpeedTrust.Stale
            var so = _options.Sensors[f.Sensor];
            if (!f.Live)
            {
                _refill[i] = 0; // its return is a window filling after a stale spell (LiveForS)
                if (so.Required)
                    why ??= Reason(Abstention.SensorNotLive, i, f, so, 0);
                continue;
            }
            if (f.Kind != SensorKind.Camera && f.Frames == 0)
            {
                // nothing in the window, before its TimeoutMs makes it stale: a stalled link, not an empty scene
                _refill[i] = _refillTicks;
                why ??= Reason(Abstention.SensorSilent, i, f, so, 0);
                continue;
            }
            if (_refill[i] > 0)
            {
                why ??= Reason(Abstention.WindowFilling, i, f, so, 0);
                _refill[i]--;
            }
            else if (f.LiveForS < warmUpS)
                why ??= Reason(Abstention.WindowFilling, i, f, so, 0);
            else if (f.Kind == SensorKind.Lidar && so.MaxRangeM > 0 && Farthest(f) is var far && far > so.MaxRangeM * (1 + ReachTolerance))
                why ??= Reason(Abstention.BeyondReach, i, f, so, far);
        }
        return why;
    }

    /// <summary>"model abstains: INPUT = v outside training range [min, max]", or null when every input is inside.</summary>
    public string? Outside(ModelEnvelope? envelope, ReadOnlySpan<float> features)
    {
        var i = envelope?.FirstOutside(features) ?? -1;
        if (i < 0)
        {
            _lastKey = ((Abstention)(-1), -1);
            return null;
        }
        Interlocked.Increment(ref _counts[(int)Abstention.OutsideEnvelope]);
        if (_lastKey == (Abstention.OutsideEnvelope, i))
            return _lastReason;
        _lastKey = (Abstention.OutsideEnvelope, i);
        return _lastReason = "model abstains: " + envelope!.Describe(i, features[i]);
    }

    /// <summary>
    /// The evidence a model HIGH needs in the same window: a live LiDAR's valid return or a live radar's target
    /// within the zone (Risk.StoppingDistanceM) plus Model.EvidenceMarginM, or a radar target whose time to
    /// collision is under Risk.TtcThresholdS. Without it the model may raise at most MEDIUM ("suspects").
    /// </summary>
    public bool Evidence(FusionSnapshot snapshot)
    {
        var risk = _options.Risk;
        var reach = risk.StoppingDistanceM + _options.Model.EvidenceMarginM;
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
        {
            if (!f.Live)
                continue;
            switch (f.Kind)
            {
                case SensorKind.Lidar when f.NearestM <= reach:
                    return true;
                case SensorKind.Radar:
                    if (f.RangeM <= reach || f.LatestRangeM <= reach || f.NearTargetRangeM <= reach)
                        return true;
                    if (f.ClosingSpeedMps >= risk.MinClosingSpeedMps && f.RangeM / f.ClosingSpeedMps < risk.TtcThresholdS)
                        return true;
                    break;
            }
        }
        return false; // NaN compares false: a sensor with no return is no evidence
    }

    // The farthest return the window describes (the features keep no maximum: the farthest cluster or median).
    private static float Farthest(in SensorFeatures f)
    {
        var m = float.NaN;
        foreach (var v in (ReadOnlySpan<float>)[f.NearestM, f.MedianM, f.ClusterRangeM, f.NearClusterRangeM, f.FarClusterRangeM])
            if (float.IsFinite(v) && !(v <= m))
                m = v;
        return m;
    }

    // Counts the abstained window and builds its reason once per episode (no string per tick while it lasts).
    private string Reason(Abstention kind, int index, in SensorFeatures f, SensorOptions so, float farM)
    {
        Interlocked.Increment(ref _counts[(int)kind]);
        if (_lastKey == (kind, index))
            return _lastReason;
        _lastKey = (kind, index);
        var inv = CultureInfo.InvariantCulture;
        var text = kind switch
        {
            Abstention.SensorNotLive => $"sensor '{so.Name}' {(f.EverSeen ? f.Stale ? "stale" : "frozen" : "not heard yet")}",
            Abstention.SensorSilent => $"sensor '{so.Name}' sent nothing in the window",
            Abstention.WindowFilling when _refill[index] > 0 => $"sensor '{so.Name}' window refilling after a silence",
            Abstention.WindowFilling => $"sensor '{so.Name}' window still filling",
            _ => string.Create(
                inv,
                $"lidar '{so.Name}' returns at {farM:0} m, beyond its MaxRangeM {so.MaxRangeM:0} m (set MaxRangeM to the sensor's real reach)"
            ),
        };
        return _lastReason = "model abstains: " + text;
    }
}
