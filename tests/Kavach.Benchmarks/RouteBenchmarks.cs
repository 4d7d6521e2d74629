using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Route;

namespace Kavach.Benchmarks;

/// <summary>
/// Route lookup per GNSS fix (docs/benchmarks/route.md): <see cref="RouteMatcher.Update"/> and <see cref="RouteMatcher.Locate"/>
/// with three landmarks ahead, on a route of 20 000 points (four parallel lines 40 m apart, 150 km each, a point every
/// 30 m, a landmark every tenth point), fed a drive along the second line at 25 m/s and 10 Hz with 5 m noise and an outlier
/// a minute (out 75 km and back, repeated). <see cref="Setup"/> also prints the per-fix p50/p99 over 200 000
/// Stopwatch-timed fixes and the bytes they allocated.
/// </summary>
[MemoryDiagnoser]
public class RouteBenchmarks
{
    private const int Lines = 4,
        PointsPerLine = 5000;
    private const double SpacingM = 30,
        OffsetM = 40;

    private RouteMap _map = null!;
    private RouteMatcher _matcher = null!;
    private GnssFix[] _fixes = null!;
    private readonly LandmarkAhead[] _ahead = new LandmarkAhead[3];
    private int _i;
    private long _lap,
        _lapTicks;

    [GlobalSetup]
    public void Setup()
    {
        _map = Build();
        _fixes = Drive(_map, 60_000);
        _lapTicks = _fixes[^1].Timestamp + TimeProvider.System.TimestampFrequency / 10;
        _matcher = new RouteMatcher(_map, TimeProvider.System);
        Report();
    }

    [Benchmark(Description = "route lookup per fix (Update + Locate, 3 ahead)")]
    public double Lookup()
    {
        if (_i == _fixes.Length)
        {
            _i = 0; // the drive is out and back: it starts again where it ended, later
            _lap++;
        }
        var fix = _fixes[_i++];
        fix = fix with { Timestamp = fix.Timestamp + _lap * _lapTicks };
        _matcher.Update(fix);
        return _matcher.Locate(fix.Timestamp, _ahead).ChainageM;
    }

    private void Report()
    {
        const int n = 200_000;
        var samples = new double[n];
        for (var i = 0; i < 20_000; i++)
            Lookup();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            Lookup();
            samples[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        total.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Array.Sort(samples);
        Console.WriteLine(
            $"// route: {_map.Points.Count} points, {_map.SegmentCount} segment slots, grid {_map.Grid.Columns}×{_map.Grid.Rows} cells of {_map.Grid.CellM} m; "
                + $"per fix p50 {samples[n / 2]:0.00} µs, p99 {samples[n * 99 / 100]:0.00} µs, max {samples[^1]:0.0} µs; "
                + $"{n / total.Elapsed.TotalSeconds:0} fixes/s; allocated {allocated} B over {n} fixes; "
                + $"rejected {_matcher.Rejected}"
        );
    }

    internal static RouteMap Build()
    {
        const double lat0 = 26.8,
            lon0 = 80.2;
        var (mLat, mLon) = LocalFrame.MetresPerDegree(lat0);
        var kinds = Enum.GetValues<LandmarkKind>().Where(k => k != LandmarkKind.Track).ToArray();
        var rows = new List<Landmark>(Lines * PointsPerLine);
        for (var l = 0; l < Lines; l++)
        for (var i = 0; i < PointsPerLine; i++)
        {
            // a gently winding line: x along, y a 600 m sway over 12 km, each line offset 40 m
            var x = i * SpacingM;
            var y = 600 * Math.Sin(x / 12_000 * 2 * Math.PI) - l * OffsetM;
            var kind = i % 10 == 5 ? kinds[i / 10 % kinds.Length] : LandmarkKind.Track;
            rows.Add(
                new Landmark(
                    kind,
                    kind == LandmarkKind.Track ? "" : $"L{l} {i}",
                    lat0 + y / mLat,
                    lon0 + x / mLon,
                    $"L{l}",
                    kind == LandmarkKind.Signal ? (l % 2 == 0 ? RouteDirection.Up : RouteDirection.Down) : RouteDirection.Both,
                    double.NaN,
                    kind == LandmarkKind.SpeedRestriction ? 60 : double.NaN,
                    $"bench {l} {i}"
                )
            );
        }
        var errors = new List<string>();
        return RouteMap.Build(rows, errors) ?? throw new InvalidOperationException(string.Join("\n", errors));
    }

    private static GnssFix[] Drive(RouteMap map, int count)
    {
        var rng = new Random(1);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var fixes = new GnssFix[count];
        var tps = TimeProvider.System.TimestampFrequency;
        for (var k = 0; k < count; k++)
        {
            // out along the second line at 25 m/s, and back
            var t = k / 10.0;
            var back = k >= count / 2;
            var (lat, lon, bearing) = map.PointAt(1, 100 + 25 * (back ? count / 10.0 - t : t));
            bearing = back ? (bearing + 180) % 360 : bearing;
            var (mLat, mLon) = LocalFrame.MetresPerDegree(lat);
            double e = 5 * Gauss(),
                n = 5 * Gauss();
            if (k % 600 == 300)
            {
                e = 200 * Math.Sin(k);
                n = 200 * Math.Cos(k);
            }
            fixes[k] = new GnssFix((long)(t * tps), lat + n / mLat, lon + e / mLon, 25, bearing, SpeedTrust.Trusted);
        }
        return fixes;
    }
}
