using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Model;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Fusion;

/// <summary>The own motion in the fusion snapshot, and gnss sensors kept out of the scene paths.</summary>
public sealed class GnssFusionTests
{
    private static KavachOptions Locomotive(string gnss)
    {
        var (o, errors) = TestConfig.Bind(
            $$"""
            {
              "Device": { "Id": "loco-30123-cab", "Mode": "locomotive" },
              "Train": { "Class": "test train" },
              "Sensors": [
                { "Name": "lidar", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03",
                  "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
                {{gnss}}
              ],
              "Logging": { "File": "" }
            }
            """
        );
        Assert.Empty(errors);
        return o;
    }

    private static string Gnss(string name, string extra = "") =>
        $$"""{ "Name": "{{name}}", "Kind": "gnss", "Protocol": "nmea", {{extra}} "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }""";

    private static Reading Rmc(int sensor, long timestamp, float kmh, float course = 10)
    {
        var r = Reading.Empty(sensor, SensorKind.Gnss, timestamp);
        r.GnssSentence = NmeaSentence.Rmc;
        r.GnssValid = true;
        r.GnssMode = NmeaMode.Autonomous;
        r.SpeedMps = kmh / 3.6f;
        r.CourseDeg = course;
        return r;
    }

    [Fact]
    public void A_trackside_snapshot_has_no_own_motion()
    {
        var clock = new FakeTimeProvider();
        var snap = new FusionEngine(TestConfig.Valid(), clock).Tick(clock.GetTimestamp());
        Assert.Equal(SpeedTrust.NeverSeen, snap.Motion.Trust);
        Assert.True(
            double.IsNaN(snap.Motion.SpeedMps) && double.IsNaN(snap.Motion.CourseDeg) && double.IsNaN(snap.Motion.HeadingRateDegPerS)
        );
    }

    [Fact]
    public void The_motion_is_the_first_gnss_sensors_judged_at_each_readings_own_arrival_time()
    {
        var o = Locomotive(Gnss("gps-a", "\"StaleMs\": 1000,") + ", " + Gnss("gps-b"));
        var clock = new FakeTimeProvider();
        var fusion = new FusionEngine(o, clock);
        Assert.Equal(SpeedTrust.NeverSeen, fusion.Tick(clock.GetTimestamp()).Motion.Trust);

        var t0 = clock.GetTimestamp();
        fusion.Add(Rmc(2, t0, 99)); // the second receiver does not drive the motion
        Assert.Equal(SpeedTrust.NeverSeen, fusion.Tick(t0).Motion.Trust);

        fusion.Add(Rmc(1, t0, 54));
        var m = fusion.Tick(t0).Motion;
        Assert.True(m.Trusted);
        Assert.Equal(15, m.SpeedMps, 4);

        // A reading handed over late (a batch drained after a hold-up) counts from when it arrived, not from when fusion
        // saw it: 1.2 s old against the sensor's StaleMs 1000, it is stale at once.
        clock.Advance(TimeSpan.FromMilliseconds(1200));
        fusion.Add(Rmc(1, t0, 60));
        m = fusion.Tick(clock.GetTimestamp()).Motion;
        Assert.Equal(SpeedTrust.Stale, m.Trust);
        fusion.Add(Rmc(1, clock.GetTimestamp(), 60));
        Assert.Equal(60 / 3.6, fusion.Tick(clock.GetTimestamp()).Motion.SpeedMps, 4);
    }

    [Fact]
    public void A_quiet_window_of_a_1_Hz_receiver_does_not_make_the_model_abstain()
    {
        var o = Locomotive(Gnss("gps"));
        SensorFeatures Live(int i, SensorKind kind, int frames) =>
            new()
            {
                Sensor = i,
                Kind = kind,
                EverSeen = true,
                Frames = frames,
                LiveForS = 60,
                NearestM = float.NaN,
                MedianM = float.NaN,
                ClusterRangeM = float.NaN,
                NearClusterRangeM = float.NaN,
                FarClusterRangeM = float.NaN,
            };
        var gate = new ModelGate(o, 0);
        // the receiver sent nothing in this window (1 Hz against a shorter window) but is not stale: not a scene input
        Assert.Null(gate.Sensors(new FusionSnapshot(0, [Live(0, SensorKind.Lidar, 10), Live(1, SensorKind.Gnss, 0)]), 0));
        // the same gap in the LiDAR still is a silent sensor
        Assert.StartsWith(
            "model abstains",
            gate.Sensors(new FusionSnapshot(0, [Live(0, SensorKind.Lidar, 0), Live(1, SensorKind.Gnss, 1)]), 0)
        );
    }
}
