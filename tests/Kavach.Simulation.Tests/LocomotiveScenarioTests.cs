using System.Collections.Concurrent;
using Kavach.Protocols;
using Kavach.Simulation.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Kavach.Simulation.Tests;

/// <summary>The built-in locomotive scenarios: their ground truth, their sensors' bytes, the GNSS stream and its loss.</summary>
public sealed class LocomotiveScenarioTests
{
    public static TheoryData<string> LocoScenarios() =>
        ["loco-clear-run", "loco-curve-trackside", "loco-fog-run", "loco-stalled-vehicle", "loco-tunnel-gnss-loss"];

    private static List<NmeaFrame> Decode(SimSensor gnss, Scenario s, double fromS, double toS, NmeaDecoder decoder)
    {
        var world = new World(s);
        var buf = new byte[SimSensor.MaxFrameBytes];
        var frames = new List<NmeaFrame>();
        for (var k = (long)Math.Round(fromS * gnss.Spec.RateHz); k < toS * gnss.Spec.RateHz; k++)
        {
            world.AdvanceTo(k / gnss.Spec.RateHz);
            ReadOnlySpan<byte> input = buf.AsSpan(0, gnss.Encode(gnss.Sample(world), buf));
            while (decoder.TryRead(ref input, out var f))
                frames.Add(f);
        }
        return frames;
    }

    [Theory]
    [MemberData(nameof(LocoScenarios))]
    public void Every_locomotive_scenario_is_built_in_with_a_lidar_a_radar_and_a_gnss_receiver(string name)
    {
        var s = Scenario.BuiltIn(name);
        Assert.Equal(Platform.Locomotive, s.Platform);
        Assert.NotNull(s.Train);
        Assert.Contains(s.Sensors, x =>
            x is { Kind: SensorKind.Lidar, Protocol: SimProtocol.TfSeries, EffectiveVariant: SensorVariant.Tf03Long }
        );
        Assert.Contains(s.Sensors, x => x is { Kind: SensorKind.Radar, Protocol: SimProtocol.TiMmwave or SimProtocol.Ops243 });
        Assert.Contains(s.Sensors, x => x is { Kind: SensorKind.Gnss, Protocol: SimProtocol.Nmea, RateHz: >= 1 and <= 10 });
    }

    [Theory]
    [MemberData(nameof(LocoScenarios))]
    public async Task Every_locomotive_scenario_plays_through_the_player(string name)
    {
        var scenario = Scenario.BuiltIn(name);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero));
        var outputs = new ConcurrentDictionary<string, CollectingStream>();
        var steps = new List<WorldState>();
        var player = new ScenarioPlayer();
        var options = new PlayerOptions
        {
            Speed = 50,
            MaxLagS = 1e6,
            OnStep = w =>
            {
                lock (steps)
                    steps.Add(w);
            },
        };
        var run = player.RunAsync(
            scenario,
            (sensor, _) => ValueTask.FromResult<Stream>(outputs.GetOrAdd(sensor, _ => new CollectingStream())),
            options,
            time,
            CancellationToken.None
        );
        await FakeClock.DriveAsync(time, run, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(60));

        foreach (var spec in scenario.Sensors)
        {
            Assert.Equal((long)Math.Ceiling(scenario.DurationS * spec.RateHz - 1e-9), player.Counters[spec.Name].Frames);
            Assert.Equal(0, player.Counters[spec.Name].SkippedFrames);
        }
        // the NMEA stream decodes whole: every frame is RMC + VTG + GGA
        var decoder = new NmeaDecoder();
        ReadOnlySpan<byte> nmea = outputs["gnss"].ToArray();
        var sentences = 0;
        while (decoder.TryRead(ref nmea, out _))
            sentences++;
        Assert.Equal(3 * player.Counters["gnss"].Frames, sentences);
        Assert.Equal(0, decoder.Counters.TotalRejects);
        lock (steps)
        {
            Assert.All(steps, w => Assert.Equal(Platform.Locomotive, w.Platform));
            Assert.All(steps, w => Assert.InRange(w.TrainSpeedKmh, 39.99, 110.01));
            Assert.Contains("km/h", steps[0].ToString());
        }
    }

    [Fact]
    public void The_stalled_vehicles_range_closes_at_the_trains_speed_and_enters_reach_on_time()
    {
        var s = Scenario.BuiltIn("loco-stalled-vehicle");
        var v = 40 / 3.6;
        var w = new World(s);
        Assert.Equal(250, w.ReachM); // the AWR1843's range, longer than the TF03-180's
        for (var t = 0.0; t <= s.DurationS; t += 0.5)
        {
            w.AdvanceTo(t);
            Assert.True(w.ObstaclePresent);
            Assert.Equal(1500 - v * t, w.ObstacleRangeM, 1e-6);
            Assert.Equal(v, w.ObstacleClosingSpeedMps, 1e-9);
            Assert.Equal(v, w.TrainSpeedMps, 1e-9);
            Assert.Equal(1500 - v * t <= 250, w.ObstacleInReach);
        }
        w.AdvanceTo(112.4);
        Assert.False(w.State.ObstacleInReach);
        w.AdvanceTo(112.6);
        Assert.True(w.State.ObstacleInReach);
        Assert.Contains("in reach", w.State.ToString());

        // per sensor: the LiDAR's truth uses its own 180 m, the radar's its 250 m
        var lidar = new SimSensor(s.Sensor("lidar"), s.Seed);
        var radar = new SimSensor(s.Sensor("radar"), s.Seed);
        w.AdvanceTo(115); // 222 m ahead
        Assert.False(lidar.Sample(w).TrackObstacleInReach);
        var r = radar.Sample(w);
        Assert.True(r.TrackObstacleInReach);
        Assert.Equal(1500 - v * 115, r.TrackObstacleRangeM, 1e-6);
        Assert.Equal(v, r.TrainSpeedMps, 1e-9);
    }

    [Fact]
    public void In_fog_the_lidar_finds_the_stalled_vehicle_only_near_and_then_tracks_its_closing_range()
    {
        var s = Scenario.BuiltIn("loco-stalled-vehicle");
        var v = 40 / 3.6;
        var w = new World(s);
        var lidar = new SimSensor(s.Sensor("lidar"), s.Seed);
        var radar = new SimSensor(s.Sensor("radar"), s.Seed);
        double? firstReturn = null;
        for (var k = 0; k < s.DurationS * 100; k++)
        {
            w.AdvanceTo(k / 100.0);
            var x = lidar.Sample(w);
            if (!x.HasReturn || x.IsBackscatter)
                continue;
            firstReturn ??= w.ObstacleRangeM;
            Assert.Equal(w.ObstacleRangeM, x.DistanceM, 0.3); // the car, not a mast
        }
        Assert.NotNull(firstReturn);
        Assert.InRange(firstReturn.Value, 60, 85); // S = K·ρ·e^(−2σR)/R² falls to the threshold of 40 at about 72 m in 200 m fog

        // the radar sees it far earlier, closing at the train's speed
        w.AdvanceTo(114);
        var p = radar.Sample(w).Points.ToArray().Where(q => !q.IsClutter && Math.Abs(q.AzimuthDeg) < 0.5).ToList();
        var car = Assert.Single(p);
        Assert.Equal(1500 - v * 114, car.RangeM, 0.5);
        Assert.Equal(v, car.ClosingSpeedMps, 0.5);
    }

    [Fact]
    public void On_the_curve_the_lidar_sees_trackside_objects_while_nothing_is_on_the_track()
    {
        var s = Scenario.BuiltIn("loco-curve-trackside");
        var w = new World(s);
        var lidar = new SimSensor(s.Sensor("lidar"), s.Seed);
        var onCurve = new List<float>();
        for (var k = 0; k < s.DurationS * 100; k++)
        {
            w.AdvanceTo(k / 100.0);
            Assert.False(w.ObstaclePresent);
            var x = lidar.Sample(w);
            Assert.False(x.TrackObstacleInReach);
            // fully on the curve (the beam's 65 m ahead also on it): 300 m to 1035 m along the track
            if (w.TrainDistanceM is > 300 and < 1035 && x.HasReturn && !x.IsBackscatter)
                onCurve.Add(x.DistanceM);
        }
        Assert.True(onCurve.Count > 3000, $"{onCurve.Count} returns on the curve");
        Assert.InRange(onCurve.Average(), 60, 75); // √(2·600·3.5) = 65 m to the masts, √(2·600·4) = 69 m to the trees
    }

    [Fact]
    public void Nmea_decodes_back_to_the_profile_speed_and_the_track_course()
    {
        var s = Scenario.BuiltIn("loco-clear-run");
        var exact = s.Sensor("gnss") with { VelocityNoiseMps = 0, Noise = 0, RangeNoiseM = 0 };
        var gnss = new SimSensor(exact, s.Seed);
        var decoder = new NmeaDecoder();
        var frames = Decode(gnss, s, 0, s.DurationS, decoder);
        Assert.Equal(3 * 5 * 120, frames.Count);
        Assert.Equal(0, decoder.Counters.TotalRejects);
        var w = new World(s);
        foreach (var f in frames)
        {
            Assert.Equal(NmeaTalker.Combined, f.Talker);
            Assert.True(f.Valid);
            if (f.Sentence == NmeaSentence.Gga)
            {
                Assert.Equal(1, f.FixQuality);
                Assert.Equal(14, f.Satellites);
                continue;
            }
            var t = f.Sentence == NmeaSentence.Rmc ? f.UtcTimeS - (6 * 3600 + 30 * 60) : double.NaN;
            if (f.Sentence == NmeaSentence.Rmc)
            {
                Assert.Equal(new DateOnly(2026, 1, 15), f.UtcDate);
                w.AdvanceTo(t);
                Assert.Equal(w.TrainSpeedMps, f.SpeedMps, 0.001); // 0.001 kn rounding
                Assert.Equal(w.CabPosition.LatitudeDeg, f.LatitudeDeg, 1e-6);
                Assert.Equal(w.CabPosition.LongitudeDeg, f.LongitudeDeg, 1e-6);
            }
            Assert.Equal(90, f.CourseTrueDeg, 0.005);
            Assert.InRange(f.SpeedKmh, 40 - 0.01, 110 + 0.01);
        }

        // with the receiver's noise (0.05 m/s) the speed stays within a few tenths of the truth
        var noisy = new SimSensor(s.Sensor("gnss"), s.Seed);
        var rmc = Decode(noisy, s, 0, 60, new NmeaDecoder()).Where(f => f.Sentence == NmeaSentence.Rmc).ToList();
        foreach (var f in rmc)
        {
            w.AdvanceTo(f.UtcTimeS - (6 * 3600 + 30 * 60));
            Assert.Equal(w.TrainSpeedMps, f.SpeedMps, 0.3);
            Assert.Equal(90, f.CourseTrueDeg, 2.0);
        }
    }

    [Fact]
    public void The_course_follows_the_curve()
    {
        var s = Scenario.BuiltIn("loco-curve-trackside");
        var gnss = new SimSensor(s.Sensor("gnss") with { Noise = 0, VelocityNoiseMps = 0 }, s.Seed);
        var rmc = Decode(gnss, s, 0, s.DurationS, new NmeaDecoder()).Where(f => f.Sentence == NmeaSentence.Rmc).ToList();
        Assert.Equal(10, rmc.First().CourseTrueDeg, 0.01);
        // 800 m of a 600 m right-hand curve turn the course by 76.4°
        Assert.Equal(10 + 800 / 600.0 * 180 / Math.PI, rmc.Last().CourseTrueDeg, 0.01);
    }

    [Fact]
    public void In_the_tunnel_the_receiver_keeps_sending_sentences_without_a_fix()
    {
        var s = Scenario.BuiltIn("loco-tunnel-gnss-loss");
        var gnss = new SimSensor(s.Sensor("gnss"), s.Seed);
        var decoder = new NmeaDecoder();
        var frames = Decode(gnss, s, 0, s.DurationS, decoder);
        Assert.Equal(3 * 100, frames.Count); // 1 Hz, never silent
        Assert.Equal(0, decoder.Counters.TotalRejects);
        for (var i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            var second = i / 3; // RMC, VTG, GGA once a second
            Assert.Equal((NmeaSentence)(i % 3), f.Sentence);
            if (f.Sentence != NmeaSentence.Vtg)
                Assert.Equal(6 * 3600 + second, f.UtcTimeS, 0.001); // the receiver's clock runs on
            var inTunnel = second is >= 40 and < 60;
            Assert.Equal(!inTunnel, f.Valid);
            if (!inTunnel)
                continue;
            Assert.True(double.IsNaN(f.SpeedKnots) && double.IsNaN(f.SpeedKmh) && double.IsNaN(f.CourseTrueDeg));
            Assert.True(double.IsNaN(f.LatitudeDeg) && double.IsNaN(f.LongitudeDeg));
            if (f.Sentence == NmeaSentence.Gga)
            {
                Assert.Equal(0, f.FixQuality);
                Assert.Equal(0, f.Satellites);
            }
            else
            {
                Assert.Equal(NmeaMode.NotValid, f.Mode);
            }
        }
        Assert.Equal(3 * 20, frames.Count(f => !f.Valid));
    }

    [Fact]
    public void A_silent_gnss_loss_sends_nothing_and_a_bad_checksum_is_rejected_sentence_by_sentence()
    {
        var s = Scenario.BuiltIn("loco-tunnel-gnss-loss");
        var silent = new SimSensor(
            s.Sensor("gnss") with
            {
                Faults =
                [
                    new FaultWindow
                    {
                        Type = FaultType.Silent,
                        FromS = 40,
                        ToS = 60,
                    },
                ],
            },
            s.Seed
        );
        var frames = Decode(silent, s, 0, s.DurationS, new NmeaDecoder());
        Assert.Equal(3 * 80, frames.Count);
        Assert.All(frames, f => Assert.True(f.Valid));

        var corrupt = new SimSensor(
            s.Sensor("gnss") with
            {
                Faults =
                [
                    new FaultWindow
                    {
                        Type = FaultType.BadChecksum,
                        FromS = 10,
                        ToS = 15,
                    },
                ],
            },
            s.Seed
        );
        var decoder = new NmeaDecoder();
        Assert.Equal(3 * 95, Decode(corrupt, s, 0, s.DurationS, decoder).Count);
        Assert.Equal(3 * 5, decoder.Counters.Rejects(RejectReason.BadChecksum));
    }

    [Fact]
    public void The_talker_is_configurable()
    {
        var s = Scenario.BuiltIn("loco-fog-run");
        var gnss = new SimSensor(s.Sensor("gnss") with { Talker = NmeaTalker.Gps }, s.Seed);
        var buf = new byte[SimSensor.MaxFrameBytes];
        var n = gnss.Encode(gnss.Sample(new World(s)), buf);
        var text = System.Text.Encoding.ASCII.GetString(buf, 0, n);
        Assert.StartsWith("$GPRMC,054500.00,A,", text);
        Assert.Contains("\r\n$GPVTG,", text);
        Assert.Contains("\r\n$GPGGA,054500.00,", text);
        Assert.EndsWith("\r\n", text);
    }

    [Theory]
    [MemberData(nameof(LocoScenarios))]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(string name)
    {
        var s = Scenario.BuiltIn(name);
        foreach (var spec in s.Sensors)
        {
            var a = Play(s, spec, s.Seed);
            Assert.Equal(a, Play(s, spec, s.Seed));
            // a visibility meter in clear air reports its full scale whatever the seed
            if (spec.Kind != SensorKind.Camera)
                Assert.NotEqual(a, Play(s, spec, s.Seed + 1));
        }
    }

    private static byte[] Play(Scenario s, SensorSpec spec, ulong seed)
    {
        var sensor = new SimSensor(spec, seed);
        var world = new World(s);
        var buf = new byte[SimSensor.MaxFrameBytes];
        using var all = new MemoryStream();
        for (long k = 0; k < s.DurationS * spec.RateHz; k += spec.RateHz > 10 ? 7 : 1)
        {
            world.AdvanceTo(k / spec.RateHz);
            all.Write(buf, 0, sensor.Encode(sensor.Sample(world), buf));
        }
        return all.ToArray();
    }
}
