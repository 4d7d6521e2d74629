namespace Kavach.Edge;

/// <summary>
/// The one capped exponential backoff of the daemon (sensor reconnects, the uplink, the output runner).
/// Each delay is the current step scaled by a random factor in [0.8, 1.2) — ±20 % jitter, so units that
/// lost one broker together do not retry in step — and never more than <see cref="Max"/>; the step doubles
/// from <see cref="Min"/> up to <see cref="Max"/>. The random source is injectable for tests.
/// Not thread-safe: one per loop.
/// </summary>
public sealed class Backoff
{
    /// <summary>The jitter: each delay is the step times a factor in [1 - Jitter, 1 + Jitter).</summary>
    public const double Jitter = 0.2;

    private readonly Func<double> _random;
    private TimeSpan _step;

    /// <param name="random">A source of numbers in [0, 1) (default <see cref="Random.Shared"/>).</param>
    public Backoff(TimeSpan min, TimeSpan max, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(min, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        Min = _step = min;
        Max = max;
        _random = random ?? Random.Shared.NextDouble;
    }

    public TimeSpan Min { get; }
    public TimeSpan Max { get; }

    /// <summary>The next delay; doubles the step for the one after, up to <see cref="Max"/>.</summary>
    public TimeSpan Next()
    {
        var factor = 1 - Jitter + 2 * Jitter * _random();
        var delay = TimeSpan.FromTicks(Math.Min(Max.Ticks, (long)(_step.Ticks * factor)));
        _step = TimeSpan.FromTicks(Math.Min(Max.Ticks, _step.Ticks * 2));
        return delay;
    }

    /// <summary>Back to <see cref="Min"/> (after a connection or a write that held).</summary>
    public void Reset() => _step = Min;

    /// <summary><paramref name="t"/> with the same ±20 % jitter (a fixed hold-off that a fleet must not keep in step).</summary>
    public static TimeSpan Jittered(TimeSpan t, Func<double>? random = null) =>
        TimeSpan.FromTicks((long)(t.Ticks * (1 - Jitter + 2 * Jitter * (random ?? Random.Shared.NextDouble)())));
}
