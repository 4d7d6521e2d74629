using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Fusion;
using Kavach.Edge.Route;
using Kavach.Edge.Tests.Alarm;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Route;

/// <summary>
/// Landmark announcements (issue 16 item 3, docs/route.md "Announcements"): each landmark ahead once, in order, at the warn
/// distance or time; shown on the lamps and buzzer until the ack button or the landmark is passed; never over HIGH.
/// </summary>
public sealed class RouteAnnouncerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly RouteMap Map = RouteMatcherTests.Synthetic();

    private static RouteAnnouncer Announcer(AlarmRig rig) =>
        new(rig.H.Pipeline, rig.Control, rig.Engine, rig.H.Options, rig.H.Time, new RecordingLogger<RouteAnnouncer>(rig.Log));

    private static List<OperatorEvent> Announced(AlarmRig rig) => rig.Events.Where(e => e.Kind == "announce").ToList();

    [Theory]
    [InlineData(1.0, 20.0, 1)] // 72 km/h: the 30 s warn time reaches 600 m, farther than the 500 m distance
    [InlineData(10.0, 20.0, 2)]
    [InlineData(1.0, 12.0, 3)] // 43 km/h: 360 m in 30 s, so the 500 m distance comes first
    [InlineData(10.0, 12.0, 4)]
    public void Every_landmark_ahead_is_announced_once_in_order_at_the_warn_distance_within_one_fix_interval(
        double rateHz,
        double speedMps,
        int seed
    )
    {
        using var rig = new AlarmRig();
        var announcer = Announcer(rig);
        var matcher = new RouteMatcher(Map, rig.H.Time);
        var tps = rig.H.Time.TimestampFrequency;
        var drive = new RouteDrive(Map, 0, tps, seed);
        var ahead = new LandmarkAhead[RouteView.Shown];
        var chainage = new Dictionary<Landmark, double>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < Map.Marks[0].Length; i++)
            chainage[Map.Points[Map.Marks[0][i]]] = Map.MarkChainage[0][i];
        var warnAt = Math.Max(rig.H.Options.Route.WarnDistanceM, speedMps * rig.H.Options.Route.WarnTimeS);
        var fixInterval = speedMps / rateHz;

        // from chainage 100 to 8 600 (the curve included), ticks at 10 Hz between the fixes, one outlier a minute
        var seen = new List<(Landmark Landmark, double TrueDistanceM)>();
        var samples = drive.Run(100, rateHz, 8500 / speedMps, _ => speedMps).ToList();
        var tick = 0.0;
        foreach (var (f, next) in samples.Zip(samples.Skip(1).Append(samples[^1] with { TimeS = samples[^1].TimeS + 1 / rateHz })))
        {
            matcher.Update(f.Fix);
            for (; tick < next.TimeS - 1e-9; tick += 0.1)
            {
                var now = (long)Math.Round(tick * tps);
                var p = matcher.Locate(now, ahead);
                var before = rig.Events.Count;
                announcer.OnTick(new FusionSnapshot(now, []) { Route = new RouteView(p, ahead.AsSpan(0, p.AheadCount).ToArray()) });
                foreach (var e in rig.Events.Skip(before).Where(e => e.Kind == "announce"))
                {
                    var l = chainage.Keys.Single(k =>
                        e.Detail.StartsWith($"{RouteNames.Kind(k.Kind)} {k.Name}:", StringComparison.Ordinal)
                    );
                    var trueChainage = f.TrueChainageM + speedMps * (tick - f.TimeS);
                    seen.Add((l, chainage[l] - trueChainage));
                }
            }
        }

        var expected = chainage
            .Where(kv => kv.Key.AppliesTo(RouteDirection.Up) && kv.Value > 100 && kv.Value <= 8600 + warnAt)
            .OrderBy(kv => kv.Value)
            .Select(kv => kv.Key)
            .ToList();
        Assert.Equal(expected.Select(l => l.Name), seen.Select(s => s.Landmark.Name)); // once each, in order, none of the other way
        // the first, 250 m ahead when the position is first known (three fixes), is announced then: late rather than never
        Assert.True(seen[0].TrueDistanceM < warnAt, $"the first landmark at {seen[0].TrueDistanceM:0} m");
        seen.RemoveAt(0);
        var worst = seen.Max(s => Math.Abs(s.TrueDistanceM - warnAt));
        output.WriteLine(
            $"{seen.Count} landmarks announced at {warnAt:0} m; true distance {seen.Min(s => s.TrueDistanceM):0.0}..{seen.Max(s => s.TrueDistanceM):0.0} m (worst {worst:0.0} m off, one fix interval {fixInterval:0} m)"
        );
        Assert.All(seen, s => Assert.InRange(s.TrueDistanceM, warnAt - fixInterval - 10, warnAt + fixInterval + 10));
        Assert.Equal(expected.Count, announcer.Announcements);
        Assert.Empty(rig.Errors);
    }

    private static Landmark Mark(LandmarkKind kind, string name, double limitKmh = double.NaN) =>
        new(kind, name, 26.8, 80.9, "UP", RouteDirection.Both, double.NaN, limitKmh, "test");

    private static FusionSnapshot At(AlarmRig rig, params LandmarkAhead[] ahead) =>
        new(rig.H.Time.GetTimestamp(), [])
        {
            Route = new RouteView(
                new RoutePosition(RouteState.Matched, RouteUnknownReason.None, 0, "UP", 1000, TravelDirection.Up, 0, 20, ahead.Length),
                ahead
            ),
        };

    private static FusionSnapshot Unknown(AlarmRig rig) =>
        new(rig.H.Time.GetTimestamp(), [])
        {
            Route = new RouteView(RoutePosition.Unknown(RouteUnknownReason.Stale), Array.Empty<LandmarkAhead>()),
        };

    [Fact]
    public void An_announcement_shows_amber_flashing_and_a_chirp_over_LOW_until_the_ack_button_and_the_ack_names_it()
    {
        using var rig = new AlarmRig();
        rig.Publish(RiskLevel.Low);
        rig.Advance(3000);
        var announcer = Announcer(rig);
        var signal = Mark(LandmarkKind.Signal, "S12");
        announcer.OnTick(At(rig, new LandmarkAhead(signal, 900, 45))); // beyond 500 m and 30 s: nothing yet
        Assert.Empty(Announced(rig));
        Assert.Equal("low", rig.Lines.Pattern);

        announcer.OnTick(At(rig, new LandmarkAhead(signal, 480, 24)));
        var e = Assert.Single(Announced(rig));
        Assert.Equal("signal S12: 480 m ahead, 24 s", e.Detail);
        Assert.Equal(CommandSource.Route, e.Source);
        Assert.Equal("low+announce", rig.Lines.Pattern);
        Assert.Equal("1100110011001100", rig.Trace(AlarmLine.Amber, 2000, 125)); // 250/250
        Assert.Equal("1100000000000000" + "1100000000000000", rig.Trace(AlarmLine.Buzzer, 4000, 125)); // 150 ms every 2 s
        Assert.True(rig.Lines.Green);

        // the next ticks with the landmark still ahead change nothing: once per approach
        announcer.OnTick(At(rig, new LandmarkAhead(signal, 470, 23.5)));
        Assert.Single(Announced(rig));

        var ack = rig.Control.Acknowledge(null, "loco pilot", CommandSource.Button);
        Assert.True(ack.Accepted, ack.Reason);
        Assert.Equal("announcement acknowledged: signal S12: 480 m ahead, 24 s", ack.Reason);
        Assert.Equal("low", rig.Lines.Pattern);
        Assert.Equal("0000000000", rig.Trace(AlarmLine.Amber, 1000));
        Assert.Equal("0000000000", rig.Trace(AlarmLine.Buzzer, 1000));
        announcer.OnTick(At(rig, new LandmarkAhead(signal, 300, 15)));
        Assert.Single(Announced(rig)); // acknowledged, still ahead: not again
        Assert.Empty(rig.Errors);
    }

    [Fact]
    public void A_landmark_passed_unacknowledged_ends_its_announcement_and_a_loss_of_position_does_not_announce_it_twice()
    {
        using var rig = new AlarmRig();
        rig.Publish(RiskLevel.Low);
        rig.Advance(3000);
        var announcer = Announcer(rig);
        var lc = Mark(LandmarkKind.LevelCrossing, "LC 7");
        var station = Mark(LandmarkKind.Station, "Rampur");
        announcer.OnTick(At(rig, new LandmarkAhead(lc, 450, 22), new LandmarkAhead(station, 1900, 95)));
        Assert.Equal("low+announce", rig.Lines.Pattern);

        // GNSS lost then regained inside the warning distance: the level crossing stays announced, not again
        announcer.OnTick(Unknown(rig));
        Assert.Equal("low+announce", rig.Lines.Pattern); // shown until acknowledged or passed
        announcer.OnTick(At(rig, new LandmarkAhead(lc, 200, 10), new LandmarkAhead(station, 1650, 82)));
        Assert.Single(Announced(rig));

        // passed: no longer ahead on a known position, the lamps go back to the level without an acknowledgement
        announcer.OnTick(At(rig, new LandmarkAhead(station, 1400, 70)));
        Assert.Equal("low", rig.Lines.Pattern);
        announcer.OnTick(At(rig, new LandmarkAhead(station, 499, 25)));
        Assert.Equal(["level-crossing LC 7: 450 m ahead, 22 s", "station Rampur: 499 m ahead, 25 s"], Announced(rig).Select(e => e.Detail));
    }

    [Fact]
    public void Over_MEDIUM_an_announcement_adds_only_its_chirp_and_over_HIGH_it_shows_nothing()
    {
        using var rig = new AlarmRig();
        rig.Publish(RiskLevel.Medium);
        rig.Advance(3000);
        var announcer = Announcer(rig);
        announcer.OnTick(At(rig, new LandmarkAhead(Mark(LandmarkKind.Bridge, "Br 41"), 400, 20)));
        Assert.Equal("medium+announce", rig.Lines.Pattern);
        Assert.Equal("1111000011110000", rig.Trace(AlarmLine.Amber, 2000, 125)); // MEDIUM's 500/500 kept
        Assert.Equal("1100000000000000", rig.Trace(AlarmLine.Buzzer, 2000, 125)); // the announcement's chirp
        Assert.False(rig.Lines.Green);

        rig.Publish(RiskLevel.High);
        Assert.Equal("high", rig.Lines.Pattern); // HIGH is never covered
        Assert.True(rig.Lines.Red);
        announcer.OnTick(At(rig, new LandmarkAhead(Mark(LandmarkKind.Station, "Rampur"), 300, 15)));
        Assert.Equal("high", rig.Lines.Pattern);
        Assert.Equal(2, Announced(rig).Count); // still announced and recorded: the page and the voice carry it
    }

    [Fact]
    public void A_landmark_kind_takes_its_configured_pattern()
    {
        var (options, errors) = TestConfig.Bind(
            RouteConfigTests.Config(""),
            new Dictionary<string, string?>
            {
                ["Route:Files:0"] = "route.csv",
                ["Route:Patterns:level-crossing:Red"] = "300/300",
                ["Route:Patterns:level-crossing:Buzzer"] = "on",
            }
        );
        Assert.Empty(errors);
        var p = options.Route.Patterns[LandmarkKind.LevelCrossing];
        Assert.Equal("announce-level-crossing: green off, amber off, red 300/300, buzzer on", p.ToString());
        Assert.False(options.Route.Patterns.ContainsKey(LandmarkKind.Signal));

        (_, errors) = TestConfig.Bind(
            RouteConfigTests.Config(""),
            new Dictionary<string, string?> { ["Route:Files:0"] = "route.csv", ["Route:Patterns:signal:Buzzer"] = "on" }
        );
        Assert.Contains(errors, e => e.StartsWith("Route.Patterns.signal.Green: at least one lamp", StringComparison.Ordinal));
    }

    [Fact]
    public void A_speed_restriction_ahead_that_the_train_exceeds_is_MEDIUM_on_the_floor_and_one_it_keeps_to_is_not()
    {
        var (options, errors) = TestConfig.Bind(
            RouteConfigTests.Config(""),
            new Dictionary<string, string?> { ["Route:Files:0"] = "route.csv" }
        );
        Assert.Empty(errors);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var floor = new Kavach.Edge.Locomotive.LocomotiveFloor(options, time, s => s.Motion);
        var sr = Mark(LandmarkKind.SpeedRestriction, "PSR km 112", 30);
        FloorAssessment Judge(double speedKmh, double distanceM)
        {
            var mps = speedKmh / 3.6;
            var snapshot = new FusionSnapshot(time.GetTimestamp(), new SensorFeatures[options.Sensors.Count])
            {
                Route = new RouteView(
                    new RoutePosition(RouteState.Matched, RouteUnknownReason.None, 0, "UP", 0, TravelDirection.Up, 0, mps, 1),
                    new[] { new LandmarkAhead(sr, distanceM, distanceM / mps) }
                ),
            };
            return floor.Judge(snapshot, new Kavach.Edge.Locomotive.OwnMotion(mps, 90, 0, Kavach.Edge.Locomotive.SpeedTrust.Trusted));
        }

        var fast = Judge(60, 420);
        Assert.Equal(RiskLevel.Medium, fast.Level);
        Assert.Contains("speed restriction 30 km/h (PSR km 112) 420 m ahead, running at 60 km/h", fast.Reasons);
        Assert.Equal(RiskLevel.Low, Judge(28, 420).Level); // kept to
        Assert.Equal(RiskLevel.Low, Judge(60, 1200).Level); // 60 km/h: warned at 500 m, not at 1 200 m
        Assert.Equal("on-route", fast.Cab!.Route!.StateName);
    }
}
