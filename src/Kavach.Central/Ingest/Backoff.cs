namespace Kavach.Central.Ingest;

/// <summary>Capped exponential backoff with ±20 % jitter (the daemon's Uplink/Backoff, for the receiving side).</summary>
public sealed class Backoff(TimeSpan min, TimeSpan max)
{
    private readonly TimeSpan _min = min;
    private TimeSpan _next = min;

    public TimeSpan Next()
    {
        var delay = TimeSpan.FromTicks((long)(_next.Ticks * (0.8 + 0.4 * Random.Shared.NextDouble())));
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, max.Ticks));
        return delay;
    }

    public void Reset() => _next = _min;
}
