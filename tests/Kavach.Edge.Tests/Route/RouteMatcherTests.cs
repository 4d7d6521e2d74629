using Kavach.Edge.Locomotive;
using Kavach.Edge.Route;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Route;

/// <summary>
/// Map matching on a synthetic double line (docs/route.md): an up line of about 9 km (straight, an 800 m curve given by
/// track points, straight) and a down line 40 m to its right; landmarks of every kind along both.
/// </summary>
public sealed class RouteMatcherTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly FakeTimeProvider Time = new();
    private static readonly long Tps = Time.TimestampFrequency;

    private static long Ticks(double s) => (long)Math.Round(s * Tps);

    internal static RouteMap Synthetic(double offsetM = 40)
    {
        const double lat0 = 26.8,
            lon0 = 80.9,
            radius = 800,
            straight = 3000;
        var (mLat, mLon) = LocalFrame.MetresPerDegree(lat0);
        var turn = Math.PI / 3;
        var arc = radius * turn;
        (double X, double Y, double Th) Centre(double c)
        {
            if (c <= straight)
                return (c, 0, 0);
            if (c <= straight + arc)
            {
                var th = (c - straight) / radius;
                return (straight + radius * Math.Sin(th), radius * (1 - Math.Cos(th)), th);
            }
            var x0 = straight + radius * Math.Sin(turn);
            var y0 = radius * (1 - Math.Cos(turn));
            return (x0 + (c - straight - arc) * Math.Cos(turn), y0 + (c - straight - arc) * Math.Sin(turn), turn);
        }
        var rows = new List<Landmark>();
        foreach (var (line, offset, travel) in new[] { ("UP", 0.0, RouteDirection.Up), ("DN", offsetM, RouteDirection.Down) })
        {
            var points = new SortedDictionary<double, (LandmarkKind Kind, string Name, RouteDirection Dir, double Speed)>();
            for (var c = 0.0; c <= 9000; c += 1000)
                points[c] = (LandmarkKind.Track, "", RouteDirection.Both, double.NaN);
            for (var c = straight; c <= straight + arc; c += 50)
                points[c] = (LandmarkKind.Track, "", RouteDirection.Both, double.NaN);
            var kinds = Enum.GetValues<LandmarkKind>().Where(k => k != LandmarkKind.Track).ToArray();
            var k = 0;
            for (var c = 350.0; c < 9000; c += 700, k++)
            {
                var kind = kinds[k % kinds.Length];
                var dir = kind is LandmarkKind.Signal or LandmarkKind.SpeedRestriction ? travel : RouteDirection.Both;
                points[c] = (kind, $"{line} {kind} {c:0}", dir, kind == LandmarkKind.SpeedRestriction ? 60 : double.NaN);
            }
            // a signal of the other direction on this line (a bidirectional line's): never announced to a train running this way
            points[1200] = (
                LandmarkKind.Signal,
                $"{line} wrong-way signal",
                travel == RouteDirection.Up ? RouteDirection.Down : RouteDirection.Up,
                double.NaN
            );
            foreach (var (c, p) in points)
            {
                var (x, y, th) = Centre(c);
                x += offset * Math.Sin(th);
                y -= offset * Math.Cos(th);
                rows.Add(
                    new Landmark(
                        p.Kind,
                        p.Name,
                        lat0 + y / mLat,
                        lon0 + x / mLon,
                        line,
                        p.Dir,
                        100 + c / 1000,
                        p.Speed,
                        $"synthetic {line} {c}"
                    )
                );
            }
        }
        var errors = new List<string>();
        var map = RouteMap.Build(rows, errors);
        Assert.True(map is not null, string.Join("\n", errors));
        return map;
    }

    private static readonly RouteMap Map = Synthetic();

    // the next landmark ahead of chainage c on the up line for a train running up, from the route's own lists
    private static (Landmark Landmark, double DistanceM) TruthNext(int line, double c, TravelDirection travel)
    {
        var marks = Map.Marks[line];
        var at = Map.MarkChainage[line];
        if (travel == TravelDirection.Up)
        {
            for (var i = 0; i < marks.Length; i++)
                if (at[i] > c && Map.Points[marks[i]].AppliesTo(RouteDirection.Up))
                    return (Map.Points[marks[i]], at[i] - c);
        }
        else
            for (var i = marks.Length - 1; i >= 0; i--)
                if (at[i] < c && Map.Points[marks[i]].AppliesTo(RouteDirection.Down))
                    return (Map.Points[marks[i]], c - at[i]);
        return (null!, double.NaN);
    }

    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(1.0, 2)]
    [InlineData(10.0, 1)]
    [InlineData(10.0, 2)]
    public void With_5_m_noise_and_an_outlier_a_minute_the_next_landmark_is_within_25_m_in_99_percent_of_fixes_never_on_the_parallel_line(
        double rateHz,
        int seed
    )
    {
        var matcher = new RouteMatcher(Map, Time);
        var drive = new RouteDrive(Map, 0, Tps, seed);
        var ahead = new LandmarkAhead[3];
        int judged = 0,
            good = 0,
            outliers = 0;
        // 90 km/h from chainage 100 for 6 minutes (8.4 km, the curve included), six outliers
        foreach (var f in drive.Run(100, rateHz, 336, _ => 25))
        {
            matcher.Update(f.Fix);
            var p = matcher.Locate(f.Fix.Timestamp, ahead);
            outliers += f.Outlier ? 1 : 0;
            if (p.Known)
                Assert.Equal("UP", p.Line); // never the parallel line
            if (f.TimeS < 5)
                continue; // acquisition: three consistent fixes
            judged++;
            var (next, distance) = TruthNext(0, f.TrueChainageM, TravelDirection.Up);
            if (!p.Known || p.Direction != TravelDirection.Up || p.AheadCount == 0)
                continue;
            var announced = ahead[0];
            // the announced landmark is the true next one, the one just passed (the match a little behind), or the one
            // after it where the true next is within 25 m (the match a little ahead); its distance within 25 m of its true one
            var trueDistance = ReferenceEquals(announced.Landmark, next)
                ? distance
                : Map.ChainageOf(Map.Points.ToList().IndexOf(announced.Landmark)) - f.TrueChainageM;
            var right =
                ReferenceEquals(announced.Landmark, next)
                || (trueDistance < distance && trueDistance >= -25)
                || (trueDistance > distance && distance <= 25);
            if (right && Math.Abs(announced.DistanceM - trueDistance) <= 25)
                good++;
        }
        output.WriteLine(
            $"{rateHz} Hz seed {seed}: {good} of {judged} fixes within 25 m ({100.0 * good / judged:0.00} %), rejected {matcher.Rejected}"
        );
        Assert.Equal(6, outliers);
        Assert.True(good >= 0.99 * judged, $"{good} of {judged} fixes within 25 m ({100.0 * good / judged:0.00} %)");
        Assert.True(matcher.Rejected >= 6, $"rejected {matcher.Rejected}");
        Assert.Equal(0, matcher.Switches);
    }

    [Fact]
    public void An_outlier_is_rejected_and_the_position_carried_along_the_line()
    {
        var matcher = new RouteMatcher(Map, Time);
        var drive = new RouteDrive(Map, 0, Tps, 7) { NoiseM = 0, OutlierEveryS = 1e9 };
        var ahead = new LandmarkAhead[3];
        var fixes = drive.Run(500, 1, 20, _ => 20).ToList();
        foreach (var f in fixes.Take(10))
            matcher.Update(f.Fix);
        // the 11th fix 200 m ahead along the line: a jump 20 m/s cannot make
        var jumped = Map.PointAt(0, fixes[10].TrueChainageM + 200);
        matcher.Update(fixes[10].Fix with { LatitudeDeg = jumped.LatitudeDeg, LongitudeDeg = jumped.LongitudeDeg });
        var p = matcher.Locate(fixes[10].Fix.Timestamp, ahead);
        Assert.Equal(RouteState.Predicted, p.State);
        Assert.Equal(1, matcher.Rejected);
        Assert.Equal(fixes[10].TrueChainageM, p.ChainageM, 1.0);
        // a fix 200 m to the side (beyond MaxOffsetM of both lines): rejected too
        var side = fixes[11].Fix with { LatitudeDeg = fixes[11].Fix.LatitudeDeg + 200 / LocalFrame.MetresPerDegree(26.8).Lat };
        matcher.Update(side);
        Assert.Equal(2, matcher.Rejected);
        matcher.Update(fixes[12].Fix);
        p = matcher.Locate(fixes[12].Fix.Timestamp, ahead);
        Assert.Equal(RouteState.Matched, p.State);
        Assert.Equal(fixes[12].TrueChainageM, p.ChainageM, 1.0);
    }

    [Fact]
    public void A_short_burst_near_the_parallel_line_does_not_move_the_train_but_a_crossover_does()
    {
        var matcher = new RouteMatcher(Map, Time);
        var up = new RouteDrive(Map, 0, Tps, 3) { NoiseM = 2, OutlierEveryS = 1e9 };
        var dn = new RouteDrive(Map, 1, Tps, 4) { NoiseM = 2, OutlierEveryS = 1e9 };
        var ahead = new LandmarkAhead[3];
        foreach (var f in up.Run(1000, 1, 20, _ => 15))
            matcher.Update(f.Fix);
        Assert.Equal("UP", matcher.Locate(Ticks(19), ahead).Line);

        // four fixes (1 Hz) right on the down line: multipath, not a crossover
        foreach (var f in dn.Run(1300, 1, 4, _ => 15, t0: 20))
        {
            matcher.Update(f.Fix);
            Assert.Equal("UP", matcher.Locate(f.Fix.Timestamp, ahead).Line);
        }
        foreach (var f in up.Run(1360, 1, 5, _ => 15, t0: 24))
            matcher.Update(f.Fix);
        Assert.Equal(0, matcher.Switches);

        // the train has crossed over: fix after fix on the down line; taken after 5 fixes spanning 3 s
        string? line = null;
        var switchedAfter = double.NaN;
        foreach (var f in dn.Run(1435, 1, 10, _ => 15, t0: 29))
        {
            matcher.Update(f.Fix);
            line = matcher.Locate(f.Fix.Timestamp, ahead).Line;
            if (line == "DN" && double.IsNaN(switchedAfter))
                switchedAfter = f.TimeS - 29;
        }
        Assert.Equal("DN", line);
        Assert.Equal(4, switchedAfter);
        Assert.Equal(1, matcher.Switches);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Losing_the_fix_says_position_unknown_within_2_s_and_a_new_fix_recovers(bool silence)
    {
        var matcher = new RouteMatcher(Map, Time);
        var drive = new RouteDrive(Map, 0, Tps, 11) { OutlierEveryS = 1e9 };
        var ahead = new LandmarkAhead[3];
        var fixes = drive.Run(2000, 1, 60, _ => 20).ToList();
        foreach (var f in fixes.Take(30))
            matcher.Update(f.Fix);
        var last = fixes[29].TimeS;
        Assert.True(matcher.Locate(Ticks(last), ahead).Known);
        if (!silence)
            matcher.Update(fixes[30].Fix with { Trust = SpeedTrust.NoFix, LatitudeDeg = double.NaN, LongitudeDeg = double.NaN });

        // the tick runs at 10 Hz: the first unknown within 2 s of the last good fix, and from then on
        var firstUnknown = double.NaN;
        for (var t = last; t <= last + 10; t += 0.1)
        {
            var p = matcher.Locate(Ticks(t), ahead);
            if (!p.Known && double.IsNaN(firstUnknown))
                firstUnknown = t;
            if (!double.IsNaN(firstUnknown))
            {
                Assert.False(p.Known);
                Assert.Equal(silence ? RouteUnknownReason.Stale : RouteUnknownReason.GnssNotTrusted, p.Reason);
                Assert.True(double.IsNaN(p.ChainageM));
                Assert.Equal(0, p.AheadCount);
            }
        }
        Assert.InRange(firstUnknown - last, 0, 2);

        // back after 10 s: known again after three consistent fixes, at the right place
        RoutePosition back = default;
        var known = 0;
        foreach (var f in fixes.Skip(40).Take(5))
        {
            matcher.Update(f.Fix);
            back = matcher.Locate(f.Fix.Timestamp, ahead);
            known += back.Known ? 1 : 0;
            if (back.Known)
                Assert.InRange(back.ChainageM - f.TrueChainageM, -25, 25);
        }
        Assert.Equal(3, known);
        Assert.Equal(TravelDirection.Up, back.Direction);
    }

    [Fact]
    public void A_train_that_stops_and_reverses_is_then_shown_the_landmarks_of_the_down_direction_behind_it()
    {
        var matcher = new RouteMatcher(Map, Time);
        var drive = new RouteDrive(Map, 0, Tps, 5) { OutlierEveryS = 1e9 };
        var ahead = new LandmarkAhead[3];
        // up at 10 m/s for 40 s, braking to a stand over 10 s, 20 s standing, then back at up to 10 m/s
        static double Speed(double t) =>
            t < 40 ? 10
            : t < 50 ? 10 - (t - 40)
            : t < 70 ? 0
            : -Math.Min(10, t - 70);
        TravelDirection? reversedAt = null;
        var reversedT = double.NaN;
        foreach (var f in drive.Run(4000, 1, 120, Speed))
        {
            matcher.Update(f.Fix);
            var p = matcher.Locate(f.Fix.Timestamp, ahead);
            if (f.TimeS is > 5 and < 70)
                Assert.Equal(TravelDirection.Up, p.Direction); // standing is no reversal
            if (p.Direction == TravelDirection.Down && reversedAt is null)
            {
                reversedAt = p.Direction;
                reversedT = f.TimeS;
            }
            if (f.TimeS > 85)
            {
                Assert.Equal(TravelDirection.Down, p.Direction);
                Assert.True(p.AheadCount > 0);
                var (next, distance) = TruthNext(0, f.TrueChainageM, TravelDirection.Down);
                Assert.Same(next, ahead[0].Landmark);
                Assert.InRange(ahead[0].DistanceM - distance, -25, 25);
                for (var i = 0; i < p.AheadCount; i++)
                    Assert.True(ahead[i].Landmark.AppliesTo(RouteDirection.Down));
                Assert.Equal(ahead[0].DistanceM / p.SpeedMps, ahead[0].TimeS, 6);
            }
        }
        // moving back at 2 m/s from t = 72 s: two course indications in a row
        Assert.InRange(reversedT, 72, 76);
    }

    [Fact]
    public void Standing_still_gives_no_time_and_an_unknown_direction_gives_no_landmarks()
    {
        var matcher = new RouteMatcher(Map, Time);
        var drive = new RouteDrive(Map, 0, Tps, 9) { OutlierEveryS = 1e9 };
        var ahead = new LandmarkAhead[3];
        RoutePosition p = default;
        foreach (var f in drive.Run(3000, 1, 10, _ => 0))
        {
            matcher.Update(f.Fix);
            p = matcher.Locate(f.Fix.Timestamp, ahead);
        }
        Assert.Equal(RouteState.Matched, p.State);
        Assert.Equal(TravelDirection.Unknown, p.Direction);
        Assert.Equal(0, p.AheadCount);

        foreach (var f in drive.Run(3000, 1, 5, t => t < 12 ? 5 : 0, t0: 10))
        {
            matcher.Update(f.Fix);
            p = matcher.Locate(f.Fix.Timestamp, ahead);
        }
        Assert.Equal(TravelDirection.Up, p.Direction);
        Assert.Equal(3, p.AheadCount);
        Assert.True(double.IsNaN(ahead[0].TimeS));
        Assert.True(ahead[0].DistanceM < ahead[1].DistanceM && ahead[1].DistanceM < ahead[2].DistanceM);
        Assert.DoesNotContain("wrong-way", ahead[0].Landmark.Name + ahead[1].Landmark.Name + ahead[2].Landmark.Name);
    }

    [Fact]
    public void Far_from_every_line_the_position_is_off_route()
    {
        var matcher = new RouteMatcher(Map, Time);
        matcher.Update(new GnssFix(Ticks(1), 26.7, 80.9, 10, 90, SpeedTrust.Trusted));
        Assert.Equal(RouteUnknownReason.OffRoute, matcher.Locate(Ticks(1), []).Reason);
        Assert.Equal(RouteUnknownReason.NoFix, new RouteMatcher(Map, Time).Locate(0, []).Reason);
    }

    [Fact]
    public void Update_and_locate_allocate_nothing()
    {
        var matcher = new RouteMatcher(Map, Time);
        var fixes = new RouteDrive(Map, 0, Tps, 13).Run(100, 10, 200, _ => 25).Select(f => f.Fix).ToArray();
        var ahead = new LandmarkAhead[3];
        for (var i = 0; i < 100; i++)
        {
            matcher.Update(fixes[i]);
            matcher.Locate(fixes[i].Timestamp, ahead);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 100; i < fixes.Length; i++)
        {
            matcher.Update(fixes[i]);
            matcher.Locate(fixes[i].Timestamp, ahead);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
