using Kavach.Edge.Locomotive;
using Kavach.Protocols;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Locomotive;

public sealed class GnssSpeedTrackerTests
{
    private static NmeaFrame Rmc(double kmh, double course, bool valid = true, NmeaMode mode = NmeaMode.Autonomous) =>
        NmeaFrame.Empty(NmeaSentence.Rmc, NmeaTalker.Combined) with
        {
            Valid = valid,
            Mode = mode,
            SpeedKnots = kmh / NmeaFrame.KmhPerKnot,
            SpeedKmh = kmh,
            CourseTrueDeg = course,
        };

    private static NmeaFrame Gga(int quality, int satellites, double hdop) =>
        NmeaFrame.Empty(NmeaSentence.Gga, NmeaTalker.Combined) with
        {
            Valid = quality != 0,
            FixQuality = quality,
            Satellites = satellites,
            Hdop = hdop,
        };

    private static NmeaFrame Decoded(string sentence)
    {
        var d = new NmeaDecoder();
        ReadOnlySpan<byte> input = System.Text.Encoding.ASCII.GetBytes(sentence);
        Assert.True(d.TryRead(ref input, out var f));
        return f;
    }

    [Fact]
    public void Before_any_sentence_the_speed_is_never_seen()
    {
        var t = new GnssSpeedTracker(new FakeTimeProvider());
        Assert.Equal(SpeedTrust.NeverSeen, t.Current().Trust);
        Assert.True(double.IsNaN(t.Current().SpeedMps));
    }

    [Fact]
    public void A_valid_rmc_from_the_wire_gives_a_trusted_speed()
    {
        var clock = new FakeTimeProvider();
        var t = new GnssSpeedTracker(clock);
        t.Observe(Decoded("$GNRMC,101500.00,A,2836.50000,N,07712.30000,E,40.500,90.00,041226,,,A*74\r\n"), clock.GetTimestamp());
        var m = t.Current();
        Assert.True(m.Trusted);
        Assert.Equal(40.5 * 1852 / 3600, m.SpeedMps, 9);
        Assert.Equal(90, m.CourseDeg);
    }

    [Fact]
    public void A_tunnel_shows_at_the_next_sentence_a_silent_receiver_within_the_stale_time_and_both_recover_without_restart()
    {
        var clock = new FakeTimeProvider();
        var t = new GnssSpeedTracker(clock);
        t.Observe(Rmc(80, 45), clock.GetTimestamp());
        Assert.True(t.Current().Trusted);

        // The receiver keeps talking but has lost the fix (RMC status V): shown at once.
        clock.Advance(TimeSpan.FromSeconds(1));
        t.Observe(Rmc(double.NaN, double.NaN, valid: false, mode: NmeaMode.NotValid), clock.GetTimestamp());
        Assert.Equal(SpeedTrust.NoFix, t.Current().Trust);
        clock.Advance(TimeSpan.FromSeconds(20));
        t.Observe(Rmc(80, 45), clock.GetTimestamp());
        Assert.True(t.Current().Trusted);

        // The receiver goes silent: stale after 1.5 s (shown within 2 s), trusted again at the next good sentence.
        clock.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.True(t.Current().Trusted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(SpeedTrust.Stale, t.Current().Trust);
        Assert.True(double.IsNaN(t.Current().SpeedMps));
        clock.Advance(TimeSpan.FromSeconds(20));
        t.Observe(Rmc(70, 45), clock.GetTimestamp());
        Assert.True(t.Current().Trusted);
        Assert.Equal(70 / 3.6, t.Current().SpeedMps, 9);
    }

    [Fact]
    public void Dead_reckoning_and_poor_geometry_are_not_trusted()
    {
        var clock = new FakeTimeProvider();
        var t = new GnssSpeedTracker(clock);
        t.Observe(Rmc(60, 10, mode: NmeaMode.Estimated), clock.GetTimestamp());
        Assert.Equal(SpeedTrust.DeadReckoning, t.Current().Trust);

        t.Observe(Rmc(60, 10), clock.GetTimestamp());
        t.Observe(Gga(1, 3, 1.2), clock.GetTimestamp());
        Assert.Equal(SpeedTrust.PoorGeometry, t.Current().Trust);
        t.Observe(Gga(1, 9, 7.5), clock.GetTimestamp());
        Assert.Equal(SpeedTrust.PoorGeometry, t.Current().Trust);
        t.Observe(Gga(6, 9, 1.0), clock.GetTimestamp());
        Assert.Equal(SpeedTrust.DeadReckoning, t.Current().Trust);
        t.Observe(Gga(0, 0, 99.99), clock.GetTimestamp());
        Assert.Equal(SpeedTrust.NoFix, t.Current().Trust);
        t.Observe(Gga(2, 12, 0.8), clock.GetTimestamp());
        Assert.True(t.Current().Trusted);

        // A GGA that stopped coming no longer vetoes a fresh RMC.
        t.Observe(Gga(0, 0, 99.99), clock.GetTimestamp());
        clock.Advance(TimeSpan.FromSeconds(2));
        t.Observe(Rmc(60, 10), clock.GetTimestamp());
        Assert.True(t.Current().Trusted);
    }

    [Fact]
    public void Heading_rate_from_successive_courses_gives_the_curve_radius()
    {
        var clock = new FakeTimeProvider();
        var t = new GnssSpeedTracker(clock);
        // 90 km/h = 25 m/s turning 1.4324°/s to the right: R = 1000 m.
        var rate = 0.025 * 180 / Math.PI;
        t.Observe(Rmc(90, 359.5), clock.GetTimestamp());
        Assert.True(double.IsNaN(t.Current().HeadingRateDegPerS));
        clock.Advance(TimeSpan.FromSeconds(0.2));
        t.Observe(Rmc(90, 359.5 + 0.2 * rate), clock.GetTimestamp()); // too soon: the base stays
        clock.Advance(TimeSpan.FromSeconds(0.8));
        t.Observe(Rmc(90, (359.5 + rate) % 360), clock.GetTimestamp()); // across north
        var m = t.Current();
        Assert.Equal(rate, m.HeadingRateDegPerS, 9);
        Assert.Equal(1000, TrackCorridor.CurveRadiusM(m.SpeedMps, m.HeadingRateDegPerS), 6);

        // After a silence the rate starts again rather than averaging over the gap.
        clock.Advance(TimeSpan.FromSeconds(10));
        t.Observe(Rmc(90, 30), clock.GetTimestamp());
        Assert.True(double.IsNaN(t.Current().HeadingRateDegPerS));
    }
}
