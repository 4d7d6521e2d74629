namespace Kavach.Edge.Sensors;

/// <summary>
/// Capped exponential backoff with jitter for reconnect loops: each delay is the current step scaled by a
/// random factor in [0.75, 1.25) (so units that lost one broker together do not retry in lockstep), the step
/// doubling from <see cref="InitialMs"/> up to <see cref="MaxMs"/>. Not thread-safe: one per loop.
/// </summary>
public sealed class Backoff(int initialMs = 500, int maxMs = 30_000)
{
    private int _stepMs = initialMs;

    public int InitialMs { get; } = initialMs;
    public int MaxMs { get; } = maxMs;

    /// <summary>The next delay; doubles the step for the one after.</summary>
    public TimeSpan Next()
    {
        var ms = Math.Min(MaxMs, _stepMs * (0.75 + Random.Shared.NextDouble() * 0.5));
        _stepMs = (int)Math.Min(MaxMs, _stepMs * 2L);
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Back to the initial step (after a connection that held).</summary>
    public void Reset() => _stepMs = InitialMs;
}
