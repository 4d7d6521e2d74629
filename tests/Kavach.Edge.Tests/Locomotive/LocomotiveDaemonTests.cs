using Kavach.Edge.Assessment;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Model;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Tests.Locomotive;

/// <summary>
/// The daemon in locomotive mode, end to end on loopback TCP: a GNSS receiver speaking NMEA, a LiDAR (180 m reach),
/// a radar and a camera speaking JSON lines at 10 Hz, into the cab's floor, the risk state and storage. The default
/// train: S(40 km/h) 273 m, stop-within-sight speed 31 km/h for 180 m (docs/locomotive.md).
/// </summary>
public sealed class LocomotiveDaemonTests
{
    private static FloorAssessment? Latest(DaemonUnderTest d) => d.Host.Services.GetRequiredService<Pipeline.TickPipeline>().LastAssessment;

    [Fact]
    public async Task A_vehicle_on_the_track_inside_the_stopping_distance_is_high_from_the_cabs_floor_with_the_speed_on_the_alert()
    {
        await using var d = await DaemonUnderTest.StartAsync(CabFeed.Config);
        var cab = new CabFeed.Scene();
        var (run, stop) = await CabFeed.StartAsync(d, cab);
        try
        {
            await Wait.UntilAsync(
                () => Latest(d)?.Cab is { SpeedTrust: SpeedTrust.Trusted },
                TimeSpan.FromSeconds(10),
                "a trusted own speed"
            );
            await d.WaitForLevelAsync(RiskLevel.Low, TimeSpan.FromSeconds(10));
            Assert.Equal(ModelState.Disabled, d.Host.Services.GetRequiredService<ModelLayer>().Health.State);

            // 200 m ahead, inside 273 + 50 m at 40 km/h. The JSON-lines radar gives no angle, so its target counts once
            // the LiDAR (180 m reach) confirms it: HIGH within a second or two of the car entering the LiDAR's reach.
            cab.ObstacleM = 200;
            await d.WaitForLevelAsync(RiskLevel.High, TimeSpan.FromSeconds(15));
            var high = d.Committed.First(s => s.Level == RiskLevel.High);
            Assert.Equal("floor", high.RaisedBy);
            Assert.Equal(ObstacleSource.Radar | ObstacleSource.Lidar, high.Floor!.ObstacleSource);
            Assert.Contains(high.Reasons, r =>
                r.Contains("ahead on the track", StringComparison.Ordinal)
                && r.Contains("within the stopping distance 273 m + 50 m at 40 km/h", StringComparison.Ordinal)
            );
            Assert.Equal(40, high.Floor!.Cab!.OwnSpeedKmh, 0.5);
            Assert.True(high.Floor.ObstacleRangeM <= 323, $"HIGH at {high.Floor.ObstacleRangeM:0} m, beyond S(v) + margin");
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task Running_faster_than_the_sight_allows_in_fog_is_medium_and_a_silent_receiver_is_named_not_a_fault()
    {
        await using var d = await DaemonUnderTest.StartAsync(CabFeed.Config);
        var cab = new CabFeed.Scene { SpeedKmh = 60, VisibilityM = 200 };
        var (run, stop) = await CabFeed.StartAsync(d, cab);
        try
        {
            await d.WaitForLevelAsync(RiskLevel.Medium, TimeSpan.FromSeconds(15));
            var medium = d.Committed.First(s => s.Level == RiskLevel.Medium);
            Assert.Contains(medium.Reasons, r =>
                r.StartsWith("running 60 km/h, above 31 km/h, the speed that stops within 180 m", StringComparison.Ordinal)
            );
            Assert.True(medium.Floor!.Cab!.OverSpeed);
            Assert.Equal(31, medium.Floor.Cab.SightSpeedKmh);

            cab.GnssSilent = true; // a tunnel with a receiver that stops talking: stale within 2 s, never a FAULT
            await Wait.UntilAsync(
                () => Latest(d)?.Cab is { SpeedTrust: SpeedTrust.Stale },
                TimeSpan.FromSeconds(5),
                "the own speed shown stale"
            );
            Assert.Contains(Latest(d)!.Reasons, r => r == "own speed unknown (gnss: stale): every return on the track is HIGH");
            Assert.DoesNotContain(d.Committed, s => s.Level == RiskLevel.Fault && s.Utc > medium.Utc);

            cab.GnssSilent = false; // out of the tunnel: trusted again without a restart
            await Wait.UntilAsync(
                () => Latest(d)?.Cab is { SpeedTrust: SpeedTrust.Trusted },
                TimeSpan.FromSeconds(5),
                "the own speed trusted again"
            );
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }
}
