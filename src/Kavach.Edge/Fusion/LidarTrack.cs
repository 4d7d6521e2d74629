namespace Kavach.Edge.Fusion;

/// <summary>A LiDAR track over one window: returns whose ranges lie on one line r(t) = RangeM − ClosingSpeedMps·t.</summary>
/// <param name="RangeM">The line's range at the window's end (the tick), m: the present range, not the window's centre.</param>
/// <param name="ClosingSpeedMps">Minus the line's slope, m/s, positive approaching.</param>
/// <param name="Inliers">Returns within the tolerance of the line.</param>
/// <param name="ResidualM">Root-mean-square distance of the inliers from the least-squares line, m.</param>
/// <param name="StrengthMedian">Median strength of the inliers (NaN when none reported one).</param>
public readonly record struct LidarTrack(float RangeM, float ClosingSpeedMps, int Inliers, float ResidualM, float StrengthMedian);

/// <summary>
/// Fits the one constant-speed track a single-beam LiDAR's window can hold: a robust line through
/// (time, range) with the most returns within ±tolerance (every pair of a bounded, evenly spaced sample
/// of the returns proposes a line, as in RANSAC but deterministic), refined by least squares on its inliers.
/// A track is accepted only when it holds enough of the window's frames (the same persistence as a static
/// cluster), spans half the window, fits tightly (RMS residual ≤ half the tolerance: returns merely spread
/// over the tolerance band, as clutter or backscatter would be, sit at tolerance/√3) and moves no faster than
/// <see cref="MaxSpeedMps"/>. Allocation-free: the caller owns every buffer. Pure: no clock, no state.
/// </summary>
public static class LidarTrackFit
{
    /// <summary>
    /// The fastest plausible obstacle, m/s (216 km/h). An assumption with margin over what a post can meet: India's
    /// road speed limit is at most 120 km/h (33 m/s, MoRTH notification S.O. 4305(E), 2018) and its fastest
    /// passenger trains run at 160–180 km/h (44–50 m/s). A "track" faster than this is returns from different things.
    /// </summary>
    public const float MaxSpeedMps = 60;

    /// <summary>Fewest inliers a track needs whatever the persistence fraction says (a line through 2–4 points proves nothing).</summary>
    public const int MinPoints = 5;

    /// <summary>Largest sample the candidate lines are drawn from: at most 24·23/2 = 276 lines, each scored on every return.</summary>
    public const int SampleSize = 24;

    /// <summary>The inliers' RMS residual may be at most this fraction of the tolerance.</summary>
    public const float MaxResidualFraction = 0.5f;

    /// <summary>The inliers must span at least this fraction of the window (a slope needs time to be measured over).</summary>
    public const float MinSpanFraction = 0.5f;

    /// <summary>
    /// Fits the track in the returns (<paramref name="tS"/> seconds relative to the tick, ≤ 0; <paramref name="rangeM"/>;
    /// <paramref name="strength"/>, NaN when not reported), or returns false. <paramref name="frames"/> is every frame of
    /// the window (with or without a return): the persistence denominator. <paramref name="scratch"/> holds at least
    /// <c>tS.Length</c> floats.
    /// </summary>
    public static bool TryFit(
        ReadOnlySpan<float> tS,
        ReadOnlySpan<float> rangeM,
        ReadOnlySpan<float> strength,
        int frames,
        float toleranceM,
        double minPersistence,
        float windowS,
        Span<float> scratch,
        out LidarTrack track
    )
    {
        track = default;
        var n = tS.Length;
        var need = Math.Max(MinPoints, (int)Math.Ceiling(minPersistence * frames));
        if (n < need || rangeM.Length != n || strength.Length != n || scratch.Length < n)
            return false;

        // candidate lines: every pair of an evenly spaced sample, at least a fifth of the window apart
        var m = Math.Min(n, SampleSize);
        var minPairS = windowS / 5;
        float bestA = float.NaN,
            bestV = 0;
        var bestCount = 0;
        for (var p = 0; p < m && bestCount < n; p++)
        {
            var i = (int)((long)p * (n - 1) / Math.Max(1, m - 1));
            for (var q = p + 1; q < m; q++)
            {
                var j = (int)((long)q * (n - 1) / Math.Max(1, m - 1));
                var dt = tS[j] - tS[i];
                if (Math.Abs(dt) < minPairS)
                    continue;
                var slope = (rangeM[j] - rangeM[i]) / dt;
                if (Math.Abs(slope) > MaxSpeedMps)
                    continue;
                var a = rangeM[i] - slope * tS[i];
                var count = Count(tS, rangeM, a, slope, toleranceM);
                if (count > bestCount || (count == bestCount && a < bestA))
                {
                    bestCount = count;
                    bestA = a;
                    bestV = slope;
                }
            }
        }
        if (bestCount < need)
            return false;

        // refine: least squares on the inliers, then once more on the refined line's inliers
        for (var pass = 0; pass < 2; pass++)
            if (!LeastSquares(tS, rangeM, ref bestA, ref bestV, toleranceM))
                return false;

        int inliers = 0,
            ns = 0;
        float tMin = float.MaxValue,
            tMax = float.MinValue;
        double sq = 0;
        for (var k = 0; k < n; k++)
        {
            var e = rangeM[k] - (bestA + bestV * tS[k]);
            if (Math.Abs(e) > toleranceM)
                continue;
            inliers++;
            sq += e * (double)e;
            tMin = Math.Min(tMin, tS[k]);
            tMax = Math.Max(tMax, tS[k]);
            if (!float.IsNaN(strength[k]))
                scratch[ns++] = strength[k];
        }
        if (inliers < need || tMax - tMin < MinSpanFraction * windowS || Math.Abs(bestV) > MaxSpeedMps)
            return false;
        var rms = (float)Math.Sqrt(sq / inliers);
        if (rms > MaxResidualFraction * toleranceM)
            return false;
        var s = float.NaN;
        if (ns > 0)
        {
            var span = scratch[..ns];
            span.Sort();
            s = span[ns / 2];
        }
        track = new LidarTrack(bestA, -bestV, inliers, rms, s);
        return true;
    }

    private static int Count(ReadOnlySpan<float> tS, ReadOnlySpan<float> rangeM, float a, float slope, float tol)
    {
        var c = 0;
        for (var k = 0; k < tS.Length; k++)
            if (Math.Abs(rangeM[k] - (a + slope * tS[k])) <= tol)
                c++;
        return c;
    }

    // Ordinary least squares r = a + v·t over the returns within tol of the current line; false when degenerate.
    private static bool LeastSquares(ReadOnlySpan<float> tS, ReadOnlySpan<float> rangeM, ref float a, ref float v, float tol)
    {
        double st = 0,
            sr = 0,
            stt = 0,
            str = 0;
        var c = 0;
        for (var k = 0; k < tS.Length; k++)
        {
            if (Math.Abs(rangeM[k] - (a + v * tS[k])) > tol)
                continue;
            double t = tS[k],
                r = rangeM[k];
            st += t;
            sr += r;
            stt += t * t;
            str += t * r;
            c++;
        }
        if (c < 2)
            return false;
        var den = c * stt - st * st;
        if (den <= 1e-12)
            return false;
        var slope = (c * str - st * sr) / den;
        a = (float)((sr - slope * st) / c);
        v = (float)slope;
        return true;
    }
}
