using System.Globalization;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Locomotive;

/// <summary>What the over-speed evaluator could judge.</summary>
public enum OverSpeedStatus
{
    /// <summary>Speed and visibility known; the result says whether the train runs too fast.</summary>
    Judged,

    /// <summary>No trustworthy own speed (GNSS lost, no second source): a named degradation for the caller.</summary>
    SpeedUnknown,

    /// <summary>No visibility estimate: a named degradation for the caller.</summary>
    VisibilityUnknown,
}

/// <summary>One evaluation: whether the over-speed MEDIUM stands, and both speeds it is about.</summary>
public readonly record struct OverSpeedResult(bool Medium, OverSpeedStatus Status, double SpeedKmh, SightSpeed Sight, bool InFog)
{
    /// <summary>The stop-within-sight speed, km/h.</summary>
    public double LimitKmh => Sight.SpeedMps * BrakingModel.KmhPerMps;

    /// <summary>One line for the driver and the log, naming both speeds (allocates: call on a change, not per tick).</summary>
    public string Describe() =>
        Status switch
        {
            OverSpeedStatus.SpeedUnknown => "own speed unknown: the stop-within-sight speed cannot be checked",
            OverSpeedStatus.VisibilityUnknown => "visibility unknown: the stop-within-sight speed cannot be computed",
            _ when Medium => string.Create(
                CultureInfo.InvariantCulture,
                $"running {Math.Round(SpeedKmh):0} km/h, above {Sight.FloorKmh} km/h, the speed that stops within {Sight.DistanceM:0} m ({Limit()})"
            ),
            _ => string.Create(
                CultureInfo.InvariantCulture,
                $"at {Math.Round(SpeedKmh):0} km/h; stop-within-sight speed {Sight.FloorKmh} km/h, stopping within {Sight.DistanceM:0} m ({Limit()})"
            ),
        };

    private string Limit() =>
        Sight.LimitedByReach
            ? string.Create(CultureInfo.InvariantCulture, $"limited by sensor reach {Sight.ReachM:0} m; visibility {Sight.VisibilityM:0} m")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"limited by visibility {Sight.VisibilityM:0} m; sensor reach {Sight.ReachM:0} m"
            );
}

/// <summary>
/// MEDIUM while the train runs faster than its stop-within-sight speed in fog (docs/locomotive.md): raised once the
/// speed has been above that speed for <see cref="TrainOptions.OverSpeedConfirmMs"/>, cleared once the speed has
/// been at least <see cref="TrainOptions.OverSpeedHysteresisKmh"/> below it (or the fog has lifted) for as long.
/// Without a speed or a visibility the state is kept as it was (never cleared on missing data) and the status says
/// what is missing. Time comes from the <see cref="TimeProvider"/>. Not thread-safe: one caller (the fusion tick).
/// </summary>
public sealed class OverSpeedEvaluator
{
    private readonly TimeProvider _time;
    private readonly double _fogVisibilityM;
    private readonly double _hysteresisKmh;
    private readonly TimeSpan _confirm;
    private bool _medium;
    private long? _overSince;
    private long? _clearSince;

    public OverSpeedEvaluator(TrainOptions train, TimeProvider time)
    {
        _time = time;
        _fogVisibilityM = train.FogVisibilityM;
        _hysteresisKmh = train.OverSpeedHysteresisKmh;
        _confirm = TimeSpan.FromMilliseconds(train.OverSpeedConfirmMs);
    }

    /// <summary>Whether the over-speed MEDIUM currently stands.</summary>
    public bool Medium => _medium;

    /// <summary>Judges <paramref name="speedKmh"/> (NaN when there is no trustworthy speed) against <paramref name="sight"/>.</summary>
    public OverSpeedResult Evaluate(double speedKmh, SightSpeed sight)
    {
        var now = _time.GetTimestamp();
        if (!double.IsFinite(speedKmh) || speedKmh < 0)
        {
            _overSince = _clearSince = null;
            return new OverSpeedResult(_medium, OverSpeedStatus.SpeedUnknown, double.NaN, sight, false);
        }

        if (double.IsNaN(sight.VisibilityM) || double.IsNaN(sight.SpeedMps))
        {
            _overSince = _clearSince = null;
            return new OverSpeedResult(_medium, OverSpeedStatus.VisibilityUnknown, speedKmh, sight, false);
        }

        var inFog = sight.VisibilityM < _fogVisibilityM;
        var limitKmh = sight.SpeedMps * BrakingModel.KmhPerMps;
        if (!_medium)
        {
            if (inFog && speedKmh > limitKmh)
            {
                _overSince ??= now;
                if (_time.GetElapsedTime(_overSince.Value, now) >= _confirm)
                {
                    _medium = true;
                    _overSince = null;
                }
            }
            else
                _overSince = null;
        }
        else
        {
            if (!inFog || speedKmh <= limitKmh - _hysteresisKmh)
            {
                _clearSince ??= now;
                if (_time.GetElapsedTime(_clearSince.Value, now) >= _confirm)
                {
                    _medium = false;
                    _clearSince = null;
                }
            }
            else
                _clearSince = null;
        }

        return new OverSpeedResult(_medium, OverSpeedStatus.Judged, speedKmh, sight, inFog);
    }
}
