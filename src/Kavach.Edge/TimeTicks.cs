namespace Kavach.Edge;

/// <summary>
/// Durations in <see cref="TimeProvider.GetTimestamp"/> units: the one conversion, so deadlines computed from
/// timestamps (hold times, grace periods, retention steps) agree with a fake clock's frequency as with the real one's.
/// </summary>
public static class TimeTicks
{
    /// <summary><paramref name="ms"/> milliseconds in timestamp ticks of <paramref name="time"/>.</summary>
    public static long Ticks(this TimeProvider time, double ms) => (long)(ms / 1000.0 * time.TimestampFrequency);

    /// <summary><paramref name="duration"/> in timestamp ticks of <paramref name="time"/>.</summary>
    public static long Ticks(this TimeProvider time, TimeSpan duration) => (long)(duration.TotalSeconds * time.TimestampFrequency);
}
