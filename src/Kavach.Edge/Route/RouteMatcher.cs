using Kavach.Edge.Locomotive;
using Kavach.Edge.Sensors;

namespace Kavach.Edge.Route;

/// <summary>
/// Matches GNSS fixes to a <see cref="RouteMap"/>: which line, how far along it (chainage), which way, and the next
/// landmarks ahead (docs/route.md). It keeps to the line it is on: a fix nearer a parallel line counts towards a switch
/// only after <see cref="RouteMatchOptions.SwitchFixes"/> such fixes in a row; a fix far off the line, or whose chainage
/// is inconsistent with speed × time, is rejected and the position carried along the line instead. An untrusted or stale
/// GNSS makes the position unknown, never a stale distance.
/// <para>Not thread-safe: one caller feeds <see cref="Update"/> and asks <see cref="Locate"/> (the pipeline's tick).
/// Neither allocates: the per-fix work uses arrays sized at construction and the caller's span.</para>
/// </summary>
public sealed class RouteMatcher
{
    private readonly RouteMap _map;
    private readonly RouteMatchOptions _o;
    private readonly double _ticksPerS;

    // the segment search: a stamp per segment (seen in this query), the nearest candidate per line
    private readonly int[] _stamp;
    private int _query;
    private readonly double[] _bestD,
        _bestS,
        _bestLateral;
    private readonly int[] _bestSeg;
    private double _curD,
        _curS,
        _curLateral;
    private int _curSeg;

    // the matched state
    private int _line = -1;
    private int _previousLine = -1;
    private double _s,
        _lateral,
        _speed = double.NaN;
    private int _seg;
    private RouteState _state;
    private TravelDirection _direction;
    private long _stateTs,
        _lastFixTs,
        _lastAcceptedTs;
    private bool _anyFix;
    private RouteUnknownReason _lost = RouteUnknownReason.NoFix;

    // acquisition, switching, direction
    private int _acqLine = -1,
        _acqCount;
    private double _acqS;
    private long _acqTs;
    private int _switchLine = -1,
        _switchCount;
    private long _switchSinceTs;
    private double _anchorS;
    private int _disagree;

    /// <summary>A matcher on <paramref name="map"/>; timestamps in <paramref name="time"/>'s units.</summary>
    public RouteMatcher(RouteMap map, TimeProvider time, RouteMatchOptions? options = null)
    {
        _map = map;
        _o = options ?? new RouteMatchOptions();
        if (_o.MaxOffsetM > map.Grid.CellM)
            throw new ArgumentException($"MaxOffsetM {_o.MaxOffsetM} m exceeds the grid's cell ({map.Grid.CellM} m)", nameof(options));
        _ticksPerS = time.TimestampFrequency;
        _stamp = new int[map.SegmentCount];
        _bestD = new double[map.Lines.Count];
        _bestS = new double[map.Lines.Count];
        _bestLateral = new double[map.Lines.Count];
        _bestSeg = new int[map.Lines.Count];
    }

    /// <summary>Fixes matched to the line.</summary>
    public long Accepted { get; private set; }

    /// <summary>Fixes rejected (too far from the line, or a chainage jump the speed cannot explain).</summary>
    public long Rejected { get; private set; }

    /// <summary>Times the train was taken to have moved to another line.</summary>
    public long Switches { get; private set; }

    /// <summary>Feeds one gnss reading with the speed tracker's view at that moment (RMC and GGA carry a position).</summary>
    public void Observe(in Reading reading, in OwnMotion motion) =>
        Update(new GnssFix(reading.Timestamp, reading.LatitudeDeg, reading.LongitudeDeg, motion.SpeedMps, motion.CourseDeg, motion.Trust));

    /// <summary>Feeds one fix. Untrusted: position unknown at once. Without a position (NaN): nothing else changes.</summary>
    public void Update(in GnssFix fix)
    {
        if (fix.Trust != SpeedTrust.Trusted)
        {
            Lose(RouteUnknownReason.GnssNotTrusted);
            return;
        }
        if (!double.IsFinite(fix.LatitudeDeg) || !double.IsFinite(fix.LongitudeDeg))
            return;
        if (_anyFix && _line >= 0 && Seconds(fix.Timestamp - _lastFixTs) * 1000 > _o.StaleMs)
            Lose(RouteUnknownReason.Stale); // across a silence the old chainage is no prediction: acquire afresh
        _anyFix = true;
        _lastFixTs = fix.Timestamp;
        _speed = double.IsFinite(fix.SpeedMps) ? Math.Max(0, fix.SpeedMps) : double.NaN;
        var x = _map.Frame.X(fix.LongitudeDeg);
        var y = _map.Frame.Y(fix.LatitudeDeg);
        if (_line < 0)
            Acquire(fix, x, y);
        else
            Track(fix, x, y);
    }

    /// <summary>
    /// Where the train is at <paramref name="now"/>, and up to <c>ahead.Length</c> landmarks ahead in its direction of
    /// travel (those that apply to that direction, track points left out), nearest first. Between fixes the chainage is
    /// carried on at the last speed. Unknown when the GNSS is untrusted, no fix came for StaleMs, or outliers lasted
    /// MaxPredictS; unknown direction: no landmarks.
    /// </summary>
    public RoutePosition Locate(long now, Span<LandmarkAhead> ahead)
    {
        if (_line < 0)
            return RoutePosition.Unknown(_lost);
        if (Seconds(now - _lastFixTs) * 1000 > _o.StaleMs)
            return RoutePosition.Unknown(RouteUnknownReason.Stale);
        if (_state == RouteState.Predicted && Seconds(now - _lastAcceptedTs) > _o.MaxPredictS)
            return RoutePosition.Unknown(RouteUnknownReason.Outliers);
        var speed = double.IsNaN(_speed) ? 0 : _speed;
        var s = Math.Clamp(_s + Sign(_direction) * speed * Math.Max(0, Seconds(now - _stateTs)), 0, _map.LineLengthM(_line));
        var count = _direction == TravelDirection.Unknown ? 0 : Ahead(s, ahead);
        return new RoutePosition(_state, RouteUnknownReason.None, _line, _map.Lines[_line], s, _direction, _lateral, _speed, count);
    }

    private int Ahead(double s, Span<LandmarkAhead> ahead)
    {
        var marks = _map.Marks[_line];
        var at = _map.MarkChainage[_line];
        var standing = !(_speed >= _o.StandingSpeedMps);
        var count = 0;
        if (_direction == TravelDirection.Up)
        {
            for (var i = UpperBound(at, s); i < at.Length && count < ahead.Length; i++)
            {
                var landmark = _map.Points[marks[i]];
                if (landmark.AppliesTo(RouteDirection.Up))
                    ahead[count++] = new LandmarkAhead(landmark, at[i] - s, standing ? double.NaN : (at[i] - s) / _speed);
            }
        }
        else
        {
            for (var i = LowerBound(at, s) - 1; i >= 0 && count < ahead.Length; i--)
            {
                var landmark = _map.Points[marks[i]];
                if (landmark.AppliesTo(RouteDirection.Down))
                    ahead[count++] = new LandmarkAhead(landmark, s - at[i], standing ? double.NaN : (s - at[i]) / _speed);
            }
        }
        return count;
    }

    private void Acquire(in GnssFix fix, double x, double y)
    {
        Search(x, y, 0, double.PositiveInfinity);
        var n = -1;
        for (var l = 0; l < _bestD.Length; l++)
            if (_bestD[l] <= _o.MaxOffsetM && (n < 0 || _bestD[l] < _bestD[n]))
                n = l;
        // after a loss, the line the train was on keeps it unless another is clearly nearer
        var p = _previousLine;
        if (n >= 0 && p >= 0 && p != n && _bestD[p] <= _o.MaxOffsetM && _bestD[p] <= _bestD[n] + _o.PreferPreviousLineM)
            n = p;
        if (n < 0)
        {
            _acqCount = 0;
            _lost = RouteUnknownReason.OffRoute;
            return;
        }
        var s = _bestS[n];
        var dt = Seconds(fix.Timestamp - _acqTs);
        var speed = double.IsNaN(_speed) ? 0 : _speed;
        if (_acqCount > 0 && _acqLine == n && Math.Abs(s - _acqS) <= Allowed(speed * dt, dt, directionKnown: false))
            _acqCount++;
        else
            _acqCount = 1;
        _acqLine = n;
        _acqS = s;
        _acqTs = fix.Timestamp;
        _lost = RouteUnknownReason.Acquiring;
        if (_acqCount < _o.AcquireFixes)
            return;

        if (n != _previousLine)
            _direction = TravelDirection.Unknown;
        _line = n;
        _disagree = 0;
        _switchLine = -1;
        _switchCount = 0;
        Accept(fix, s, _bestLateral[n], _bestSeg[n]);
        _anchorS = s;
    }

    private void Track(in GnssFix fix, double x, double y)
    {
        var dt = Math.Max(0, Seconds(fix.Timestamp - _stateTs));
        var speed = double.IsNaN(_speed) ? 0 : _speed;
        var run = speed * dt;
        var predicted = _s + Sign(_direction) * run;
        var allowed = Allowed(run, dt, _direction != TravelDirection.Unknown);
        Search(x, y, predicted, allowed);

        // another line nearer than this one, fix after fix, for long enough: the train is on it (a crossover)
        var other = -1;
        for (var l = 0; l < _bestD.Length; l++)
            if (l != _line && _bestD[l] <= _o.MaxOffsetM && _bestD[l] < _curD && (other < 0 || _bestD[l] < _bestD[other]))
                other = l;
        if (other >= 0)
        {
            if (_switchLine != other)
            {
                _switchLine = other;
                _switchCount = 0;
                _switchSinceTs = fix.Timestamp;
            }
            _switchCount++;
            if (_switchCount >= _o.SwitchFixes && Seconds(fix.Timestamp - _switchSinceTs) >= _o.SwitchMinS)
            {
                _line = other;
                _switchLine = -1;
                _switchCount = 0;
                _direction = TravelDirection.Unknown;
                _disagree = 0;
                Switches++;
                Accept(fix, _bestS[other], _bestLateral[other], _bestSeg[other]);
                _anchorS = _s;
                return;
            }
        }
        else
        {
            _switchLine = -1;
            _switchCount = 0;
        }

        if (_curD <= _o.MaxOffsetM && Math.Abs(_curS - predicted) <= allowed)
        {
            Accept(fix, _curS, _curLateral, _curSeg);
            return;
        }
        // an outlier: carry the position along the line; give up after MaxPredictS without a good fix
        Rejected++;
        _s = Math.Clamp(predicted, 0, _map.LineLengthM(_line));
        _stateTs = fix.Timestamp;
        _state = RouteState.Predicted;
        if (Seconds(fix.Timestamp - _lastAcceptedTs) > _o.MaxPredictS)
            Lose(RouteUnknownReason.Outliers);
    }

    private void Accept(in GnssFix fix, double s, double lateral, int seg)
    {
        Accepted++;
        _s = s;
        _lateral = lateral;
        _seg = seg;
        _stateTs = fix.Timestamp;
        _lastAcceptedTs = fix.Timestamp;
        _state = RouteState.Matched;
        _lost = RouteUnknownReason.None;
        Direction(fix.CourseDeg);
    }

    // the course against the segment's bearing when moving; else chainage progress over ProgressM; a reversal needs
    // ReverseFixes indications in a row
    private void Direction(double courseDeg)
    {
        var indicated = TravelDirection.Unknown;
        var speed = double.IsNaN(_speed) ? 0 : _speed;
        if (speed >= _o.MinCourseSpeedMps && double.IsFinite(courseDeg))
        {
            var dx = _map.X[_seg + 1] - _map.X[_seg];
            var dy = _map.Y[_seg + 1] - _map.Y[_seg];
            var bearing = Math.Atan2(dx, dy) * (180 / Math.PI);
            var diff = Math.Abs(((courseDeg - bearing) % 360 + 540) % 360 - 180);
            if (diff <= _o.CourseToleranceDeg)
                indicated = TravelDirection.Up;
            else if (diff >= 180 - _o.CourseToleranceDeg)
                indicated = TravelDirection.Down;
            _anchorS = _s;
        }
        else if (speed < _o.StandingSpeedMps)
            _anchorS = _s; // standing: the fixes' scatter must not add up to progress
        else if (Math.Abs(_s - _anchorS) >= _o.ProgressM)
        {
            indicated = _s > _anchorS ? TravelDirection.Up : TravelDirection.Down;
            _anchorS = _s;
        }
        if (indicated == TravelDirection.Unknown)
            return;
        if (_direction == TravelDirection.Unknown || indicated == _direction)
        {
            _direction = indicated;
            _disagree = 0;
        }
        else if (++_disagree >= _o.ReverseFixes)
        {
            _direction = indicated;
            _disagree = 0;
        }
    }

    private void Lose(RouteUnknownReason reason)
    {
        if (_line >= 0)
            _previousLine = _line;
        _line = -1;
        _acqCount = 0;
        _state = RouteState.Unknown;
        _lost = reason;
    }

    // every segment within a cell of (x, y): the nearest per line, and on the current line the one that best fits the
    // predicted chainage (a line that loops back past itself has two near parts)
    private void Search(double x, double y, double predicted, double allowed)
    {
        if (++_query == int.MaxValue)
        {
            Array.Clear(_stamp);
            _query = 1;
        }
        Array.Fill(_bestD, double.PositiveInfinity);
        _curD = double.PositiveInfinity;
        var curCost = double.PositiveInfinity;
        var (cx, cy) = _map.Grid.CellOf(x, y);
        for (var r = cy - 1; r <= cy + 1; r++)
        for (var c = cx - 1; c <= cx + 1; c++)
        {
            foreach (var seg in _map.Grid.Segments(c, r))
            {
                if (_stamp[seg] == _query)
                    continue;
                _stamp[seg] = _query;
                var (d, s, lateral) = Project(seg, x, y);
                var line = _map.SegmentLine(seg);
                if (d < _bestD[line])
                {
                    _bestD[line] = d;
                    _bestS[line] = s;
                    _bestLateral[line] = lateral;
                    _bestSeg[line] = seg;
                }
                if (line == _line)
                {
                    var cost = d + Math.Max(0, Math.Abs(s - predicted) - allowed);
                    if (cost < curCost)
                    {
                        curCost = cost;
                        _curD = d;
                        _curS = s;
                        _curLateral = lateral;
                        _curSeg = seg;
                    }
                }
            }
        }
    }

    // distance from the segment, chainage of the foot point, signed offset (right of the up direction positive)
    private (double D, double S, double Lateral) Project(int seg, double x, double y)
    {
        double ax = _map.X[seg],
            ay = _map.Y[seg],
            dx = _map.X[seg + 1] - ax,
            dy = _map.Y[seg + 1] - ay;
        var len2 = dx * dx + dy * dy;
        var t = len2 > 0 ? Math.Clamp(((x - ax) * dx + (y - ay) * dy) / len2, 0, 1) : 0;
        var ex = x - (ax + t * dx);
        var ey = y - (ay + t * dy);
        var d = Math.Sqrt(ex * ex + ey * ey);
        var cross = dx * (y - ay) - dy * (x - ax); // positive: left of the segment's direction
        var s = _map.Chainage[seg] + t * (_map.Chainage[seg + 1] - _map.Chainage[seg]);
        return (d, s, cross > 0 ? -d : d);
    }

    private double Allowed(double run, double dt, bool directionKnown) =>
        _o.JumpMarginM + (directionKnown ? _o.JumpDistanceFraction * run : run) + _o.JumpSpeedErrorMps * dt;

    private static int Sign(TravelDirection d) =>
        d switch
        {
            TravelDirection.Up => 1,
            TravelDirection.Down => -1,
            _ => 0,
        };

    private double Seconds(long ticks) => ticks / _ticksPerS;

    // first index whose chainage is above s / at or above s
    private static int UpperBound(double[] a, double s)
    {
        int lo = 0,
            hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (a[mid] <= s)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    private static int LowerBound(double[] a, double s)
    {
        int lo = 0,
            hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (a[mid] < s)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
