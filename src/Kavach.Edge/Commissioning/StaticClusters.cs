namespace Kavach.Edge.Commissioning;

/// <summary>
/// Groups observations by range (single linkage: neighbours no farther apart than a gap) and keeps the groups
/// present in enough of the frames: the static scene. A moving object smears over many ranges and never forms one.
/// </summary>
internal static class StaticClusters
{
    /// <summary>One observation: range, a value (strength or SNR, NaN when none), a speed, and its frame.</summary>
    public readonly record struct Observation(float RangeM, float Value, float SpeedMps, long Frame);

    public sealed record Cluster(double RangeM, double Value, double SpeedMps, double SpreadM, double Presence);

    /// <param name="frames">Frames observed (the denominator of presence).</param>
    /// <param name="gapM">Largest gap between neighbouring ranges of one cluster.</param>
    /// <param name="minPresence">Least fraction of the frames a cluster must appear in.</param>
    public static List<Cluster> Find(List<Observation> obs, long frames, double gapM, double minPresence)
    {
        var result = new List<Cluster>();
        if (obs.Count == 0 || frames == 0)
            return result;
        obs.Sort((a, b) => a.RangeM.CompareTo(b.RangeM));
        var start = 0;
        for (var i = 1; i <= obs.Count; i++)
        {
            if (i < obs.Count && obs[i].RangeM - obs[i - 1].RangeM <= gapM)
                continue;
            var group = obs.GetRange(start, i - start);
            start = i;
            // presence counts frames, not points: a frame with two points in one cluster counts once
            var present = group.Select(o => o.Frame).Distinct().Count() / (double)frames;
            if (present < minPresence)
                continue;
            var ranges = group.Select(o => (double)o.RangeM).ToArray();
            var mean = ranges.Average();
            var spread = Math.Sqrt(ranges.Sum(r => (r - mean) * (r - mean)) / ranges.Length);
            var values = group.Where(o => !float.IsNaN(o.Value)).Select(o => (double)o.Value).ToArray();
            result.Add(
                new Cluster(
                    Median(ranges),
                    values.Length == 0 ? double.NaN : Median(values),
                    Median(group.Select(o => (double)o.SpeedMps).ToArray()),
                    spread,
                    Math.Min(1, present)
                )
            );
        }
        return result;
    }

    public static double Median(double[] v)
    {
        if (v.Length == 0)
            return double.NaN;
        Array.Sort(v);
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
