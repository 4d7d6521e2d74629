namespace Kavach.ModelData;

/// <summary>A clock the generator sets by hand: microsecond timestamps from scenario time (no waiting, no wall clock).</summary>
internal sealed class ManualClock : TimeProvider
{
    public const long Frequency = 1_000_000;

    public long Now { get; set; }

    public override long TimestampFrequency => Frequency;

    public override long GetTimestamp() => Now;

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 6, 0, 0, TimeSpan.Zero).AddTicks(Now * 10);

    public static long Ticks(double seconds) => (long)Math.Round(seconds * Frequency);
}
