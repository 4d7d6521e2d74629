using Kavach.Edge.Fusion;

namespace Kavach.Edge.Tests.Fusion;

/// <summary>The constant-speed track fit on synthetic 1 s windows of a 100 Hz LiDAR (tolerance 3 m, persistence 0.7).</summary>
public class LidarTrackFitTests
{
    private const float Tol = 3,
        WindowS = 1;
    private const double Persistence = 0.7;

    /// <summary>A window of <paramref name="frames"/> frames, newest first (as the ring is read): range(t) or null for no return.</summary>
    private static (float[] T, float[] R, float[] S) Window(int frames, Func<int, float, float?> range, float strength = 500)
    {
        List<float> t = [],
            r = [],
            s = [];
        for (var i = 0; i < frames; i++)
        {
            var ti = -i * WindowS / frames;
            if (range(i, ti) is not { } d)
                continue;
            t.Add(ti);
            r.Add(d);
            s.Add(strength);
        }
        return ([.. t], [.. r], [.. s]);
    }

    private static bool Fit((float[] T, float[] R, float[] S) w, int frames, out LidarTrack track) =>
        LidarTrackFit.TryFit(w.T, w.R, w.S, frames, Tol, Persistence, WindowS, new float[w.T.Length], out track);

    // deterministic noise in [-1, 1]
    private static float Noise(int i) => (float)(Math.Sin(i * 12.9898) * 43758.5453 % 1);

    [Fact]
    public void An_approaching_target_is_one_track_with_its_present_range_and_closing_speed()
    {
        // 10 m/s towards the post, at 150 m now, 5 cm range noise (TF03 class)
        var w = Window(100, (i, t) => 150 - 10 * t + 0.05f * Noise(i));
        Assert.True(Fit(w, 100, out var track));
        Assert.InRange(track.RangeM, 149.9f, 150.1f); // the present range, not the window's centre (155 m)
        Assert.InRange(track.ClosingSpeedMps, 9.8f, 10.2f);
        Assert.Equal(100, track.Inliers);
        Assert.True(track.ResidualM < 0.1f);
        Assert.Equal(500, track.StrengthMedian);
    }

    [Fact]
    public void A_static_target_is_a_track_of_speed_zero_and_a_departing_one_has_a_negative_closing_speed()
    {
        Assert.True(Fit(Window(100, (i, _) => 60 + 0.05f * Noise(i)), 100, out var still));
        Assert.InRange(still.ClosingSpeedMps, -0.3f, 0.3f);
        Assert.InRange(still.RangeM, 59.9f, 60.1f);

        Assert.True(Fit(Window(100, (i, t) => 40 + 5 * t + 0.05f * Noise(i)), 100, out var away));
        Assert.InRange(away.ClosingSpeedMps, -5.2f, -4.8f);
    }

    [Fact]
    public void Backscatter_between_the_targets_returns_does_not_break_the_track()
    {
        // every fourth frame a weak near return (fog backscatter, 1–8 m), the rest the approaching target
        var w = Window(100, (i, t) => i % 4 == 1 ? 4.5f + 3.5f * Noise(i) : 120 - 10 * t);
        Assert.True(Fit(w, 100, out var track));
        Assert.InRange(track.RangeM, 119.5f, 120.5f);
        Assert.Equal(75, track.Inliers);
    }

    [Fact]
    public void Fog_backscatter_alone_forms_no_track()
    {
        // backscatter never persists (never two frames in a row): at most every other frame, here 1–8 m at random,
        // and even drifting steadily outwards as if it moved; the other frames have no return
        Assert.False(Fit(Window(100, (i, _) => i % 2 == 0 ? 4.5f + 3.5f * Noise(i) : null), 100, out _));
        Assert.False(Fit(Window(100, (i, t) => i % 2 == 0 ? 7 + 5 * t : null), 100, out _));
    }

    [Fact]
    public void Random_clutter_forms_no_track()
    {
        // a return in every frame, anywhere from 1 to 180 m
        Assert.False(Fit(Window(100, (i, _) => 90.5f + 89.5f * Noise(i)), 100, out _));
        // every return within a 6 m band (a static cluster would hold it) but spread over it, not on a line:
        // the residual bound (half the tolerance) rejects it as a track
        Assert.False(Fit(Window(100, (i, _) => 50 + 3 * Noise(i)), 100, out _));
    }

    [Fact]
    public void A_line_faster_than_any_plausible_obstacle_is_no_track()
    {
        Assert.False(Fit(Window(100, (_, t) => 150 - 80 * t), 100, out _)); // 80 m/s > 60 m/s
        Assert.True(Fit(Window(100, (_, t) => 150 - 40 * t), 100, out var fast)); // 40 m/s: a fast train
        Assert.InRange(fast.ClosingSpeedMps, 39.5f, 40.5f);
    }

    [Fact]
    public void Too_few_returns_or_too_short_a_stretch_is_no_track()
    {
        // four returns: below the absolute minimum even when they are all the window's frames
        Assert.False(Fit(Window(4, (_, t) => 100 - 10 * t), 4, out _));
        // 40 of 100 frames: below the persistence
        Assert.False(Fit(Window(100, (i, t) => i < 40 ? 100 - 10 * t : null), 100, out _));
    }

    [Fact]
    public void The_fit_allocates_nothing()
    {
        var w = Window(100, (i, t) => 120 - 10 * t + 0.05f * Noise(i));
        var scratch = new float[w.T.Length];
        LidarTrackFit.TryFit(w.T, w.R, w.S, 100, Tol, Persistence, WindowS, scratch, out _); // warm up (JIT)
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var k = 0; k < 10; k++)
            LidarTrackFit.TryFit(w.T, w.R, w.S, 100, Tol, Persistence, WindowS, scratch, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
