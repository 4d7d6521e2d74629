using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Kavach.Edge.Alarm;
using Kavach.Edge.Api;
using Kavach.Edge.Demo;
using Kavach.Edge.Route;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Kavach.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Kavach.Edge.Tests.Route;

/// <summary>
/// Issue 16's "every landmark of the sample route announced once, in order, at the warn distance ± one fix interval": the
/// simulator drives deploy/route.sample.csv's lines (three built-in scenarios played at once at real speed, NMEA over
/// loopback TCP, DN-MAIN 40 m from UP-MAIN), a daemon in locomotive mode with the same file in its Route section announces.
/// The announcements are read as recorded (the <c>announce</c> operator events, the ones stored and sent to the page),
/// timed on the daemon's tick and judged against the simulator's ground truth of the train's chainage at that moment.
/// </summary>
[Collection(ScenarioRun.Collection)]
public class RouteScenarioTests(ITestOutputHelper output)
{
    /// <summary>Noise allowance beyond one fix interval, m: the receiver's wandering error (2 m, 1σ, along the track:
    /// 6 m at 3σ), one tick of 100 ms at 37.5 m/s (3.75 m), and a few more for the fix's delivery and parse.</summary>
    private const double NoiseToleranceM = 15;

    private const double WarnDistanceM = 500,
        WarnTimeS = 30; // the Route section's defaults, which ScenarioConfig leaves in place

    private sealed record Announced(long Ts, Landmark? Landmark, string Detail, double PrevTickTs);

    private sealed record Step(long Ts, double T, RouteStatus? Route);

    [Fact]
    public async Task Every_landmark_of_the_sample_route_is_announced_once_in_order_at_its_warn_point()
    {
        var names = new[] { "loco-route-up-amritvan", "loco-route-up-saptagiri", "loco-route-down" };
        var results = await Task.WhenAll(names.Select(RunAsync));
        foreach (var (_, report) in results)
            output.WriteLine(report);
        var failures = results.Where(r => r.Problems.Length > 0).Select(r => r.Problems).ToList();
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private static async Task<(string Problems, string Report)> RunAsync(string name)
    {
        var scenario = ScenarioConfig.Adapt(Scenario.BuiltIn(name));
        var route = scenario.Train!.Route!;
        var gnss = scenario.Sensor("gnss");
        var announced = new List<Announced>();
        var steps = new List<Step>();
        long lastTick = 0;
        RouteMap? map = null;
        Pipeline.TickPipeline? pipeline = null;

        var logged = await ScenarioRun.PlayAsync(
            scenario,
            (services, w) =>
            {
                var view = pipeline?.LastAssessment?.Cab?.Route;
                lock (steps)
                    steps.Add(new Step(Stopwatch.GetTimestamp(), w.TimeS, view is null ? null : RouteStatus.From(view)));
            },
            services =>
            {
                map = services.GetRequiredService<RouteMap>();
                pipeline = services.GetRequiredService<Pipeline.TickPipeline>();
                var control = services.GetRequiredService<AlarmControl>();
                // the tick's handlers: the announcer's (subscribed at start) records first, then this one notes the tick
                pipeline.Ticked += _ => Volatile.Write(ref lastTick, Stopwatch.GetTimestamp());
                control.Recorded += e =>
                {
                    if (e.Kind != "announce")
                        return;
                    var a = new Announced(
                        Stopwatch.GetTimestamp(),
                        control.Announcement?.Key as Landmark,
                        e.Detail,
                        Volatile.Read(ref lastTick)
                    );
                    lock (announced)
                        announced.Add(a);
                };
            }
        );

        var problems = new List<string>();
        if (logged.Length > 0)
            problems.Add(logged);
        List<Step> st;
        lock (steps)
            st = [.. steps];
        List<Announced> ann;
        lock (announced)
            ann = [.. announced];
        if (st.Count == 0 || map is null)
            return ($"{name}: the player never stepped", "");

        // scenario time of a Stopwatch timestamp: the player's clock started at the step that was least late
        var f = (double)Stopwatch.Frequency;
        var start = st.Min(s => s.Ts - s.T * f);
        double ScenarioTime(double ts) => (ts - start) / f;
        double PlayerLagS(double t) => st.Where(s => Math.Abs(s.T - t) <= 1).Select(s => ScenarioTime(s.Ts) - s.T).DefaultIfEmpty(0).Max();

        var line = map.LineIndex(route.Geometry.Id);
        var travel = route.Direction == RouteTravel.Up ? RouteDirection.Up : RouteDirection.Down;
        var sign = route.Direction == RouteTravel.Up ? 1 : -1;
        double Chainage(Landmark l) => map.ChainageOf(map.Points.ToList().FindIndex(p => ReferenceEquals(p, l)));
        var world = new World(scenario);
        (double Chainage, double SpeedMps) Truth(double t)
        {
            world.AdvanceTo(Math.Clamp(t, 0, scenario.DurationS));
            return (world.RouteChainageM, world.TrainSpeedMps);
        }
        static double Warn(double speedMps) => Math.Max(WarnDistanceM, speedMps * WarnTimeS);

        // the GNSS loss: no fix or silence, and when the matcher has the position again (3 fixes; 1 s of them at 1 Hz)
        var loss = gnss.Faults.FirstOrDefault(x => x.Type is FaultType.NoFix or FaultType.Silent);
        var fixIntervalS = 1 / gnss.RateHz;

        // expected: every landmark of the train's line that applies to its direction whose warn point the run reaches,
        // in travel order, each with the scenario time of its true warn point
        var expected = new List<(Landmark L, double C, double WarnT)>();
        foreach (var l in map.Points.Where(p => p.Line == route.Geometry.Id && p.Announced && p.AppliesTo(travel)))
        {
            var c = Chainage(l);
            for (var t = 0.0; t <= scenario.DurationS; t += 0.02)
            {
                var (x, v) = Truth(t);
                var togo = sign * (c - x);
                if (togo < 0)
                    break;
                if (togo <= Warn(v))
                {
                    if (t > 0) // a landmark already within its warning at the start would be announced on acquiring: none here
                        expected.Add((l, c, t));
                    break;
                }
            }
        }
        expected.Sort((a, b) => a.WarnT.CompareTo(b.WarnT));
        if (expected.Count < 4)
            problems.Add($"only {expected.Count} landmarks reach their warn point (scenario changed?)");

        // 1. once each, in order, only the expected ones (never the other line's, the other direction's or one behind)
        var got = ann.Select(a => a.Landmark).ToList();
        var strangers = ann.Where(a => a.Landmark is null || !expected.Any(e => ReferenceEquals(e.L, a.Landmark))).ToList();
        foreach (var s in strangers)
            problems.Add(
                $"announced what it should not: {s.Detail} ({s.Landmark?.Line} {s.Landmark?.Direction}) at {ScenarioTime(s.Ts):0.0} s"
            );
        foreach (var e in expected)
        {
            var n = got.Count(x => ReferenceEquals(x, e.L));
            if (n != 1)
                problems.Add($"{e.L.Name} ({e.L.Line}) announced {n} times, expected once (warn point at {e.WarnT:0.0} s)");
        }
        var order = got.Where(x => x is not null).Select(x => expected.FindIndex(e => ReferenceEquals(e.L, x))).ToList();
        if (!order.SequenceEqual(order.Order()))
            problems.Add($"out of order: {string.Join(", ", ann.Select(a => a.Landmark?.Name))}");

        // 2. each at its warn point: the true distance to go at the announcing tick against the warn distance at the true
        // speed, within one fix interval plus the noise allowance plus what load cost (a late tick, a late fix)
        var rows = new List<string>();
        var errors = new List<double>();
        foreach (var a in ann)
        {
            var e = expected.FirstOrDefault(x => ReferenceEquals(x.L, a.Landmark));
            if (e.L is null)
                continue;
            var t = ScenarioTime(a.Ts);
            var (x, v) = Truth(t);
            var togo = sign * (e.C - x);
            var error = togo - Warn(v); // positive: early, negative: late
            var said = Regex.Match(a.Detail, @": (\d+) m ahead") is { Success: true } m
                ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : double.NaN;
            var late = loss is not null && e.WarnT >= loss.FromS && e.WarnT < loss.ToS + 4;
            var tickExcessS = Math.Max(0, (a.Ts - a.PrevTickTs) / f - 0.1);
            var allowance = v * fixIntervalS + NoiseToleranceM + v * (tickExcessS + PlayerLagS(t));
            rows.Add(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {t, 6:0.0} s  {e.L.Name, -30} warn {Warn(v), 5:0} m  true {togo, 6:0.0} m  said {said, 5:0} m  error {error, 6:+0.0;-0.0} m  (allowed ±{allowance:0.0}){(late ? "  LATE: warn point in the GNSS loss" : "")}"
                )
            );
            if (late)
            {
                // its warn point fell in the loss: announced once the position is back, not never, and not before
                if (t < loss!.ToS || t > loss.ToS + 6)
                    problems.Add(
                        $"{e.L.Name}: warn point at {e.WarnT:0.0} s in the loss; announced at {t:0.0} s, expected {loss.ToS}-{loss.ToS + 6} s"
                    );
                if (!(said < Warn(v)))
                    problems.Add($"{e.L.Name}: announced late at {said} m, expected inside the warn distance {Warn(v):0} m");
                continue;
            }
            errors.Add(error);
            if (Math.Abs(error) > allowance)
                problems.Add(
                    $"{e.L.Name}: announced {togo:0.0} m before it, the warn distance is {Warn(v):0} m: off by {error:+0.0;-0.0} m, allowed ±{allowance:0.0} m ({a.Detail})"
                );
        }

        // 3. the loss: "position unknown" within 2 s and nothing announced from a stale position until the fixes return
        if (loss is not null)
        {
            var during = st.Where(s => s.T >= loss.FromS + 2 && s.T < loss.ToS).ToList();
            var known = during.FirstOrDefault(s => s.Route is not { State: "position-unknown", Next.Count: 0 });
            if (during.Count == 0)
                problems.Add("no status sample during the loss");
            else if (known is not null)
                problems.Add(
                    $"status at {known.T:0.00} s, {known.T - loss.FromS:0.00} s into the GNSS loss: {known.Route?.State ?? "no route"} with {known.Route?.Next.Count} landmarks"
                );
            foreach (var a in ann.Where(a => ScenarioTime(a.Ts) > loss.FromS + 2 && ScenarioTime(a.Ts) < loss.ToS))
                problems.Add($"announced during the GNSS loss at {ScenarioTime(a.Ts):0.0} s: {a.Detail}");
            var first = st.FirstOrDefault(s => s.T >= loss.FromS && s.Route?.State == "position-unknown");
            rows.Add(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"  GNSS {SimNames.Name(loss.Type)} {loss.FromS}-{loss.ToS} s: position-unknown ({first?.Route?.Reason}) from {first?.T:0.00} s (status sampled every 0.25 s), in every sample from 2 s into the loss to its end"
                )
            );
        }

        var report =
            $"{name}: {ann.Count} announcements of {expected.Count} expected, GNSS {gnss.RateHz} Hz; on-time errors "
            + (
                errors.Count == 0
                    ? "none"
                    : string.Create(
                        CultureInfo.InvariantCulture,
                        $"{errors.Min():+0.0;-0.0} to {errors.Max():+0.0;-0.0} m, mean |e| {errors.Average(Math.Abs):0.0} m"
                    )
            )
            + "\n"
            + string.Join("\n", rows);
        return (problems.Count == 0 ? "" : $"{name}:\n  " + string.Join("\n  ", problems) + "\n" + report, report);
    }
}
