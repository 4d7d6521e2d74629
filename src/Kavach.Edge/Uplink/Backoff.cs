namespace Kavach.Edge.Uplink;

/// <summary>Capped exponential backoff with ±20 % jitter (so a fleet does not reconnect in step after an outage).</summary>
public sealed class Backoff
{
    private readonly TimeSpan _min, _max;
    private readonly Random _random;
    private TimeSpan _next;

    public Backoff(TimeSpan min, TimeSpan max, Random? random = null)
    {
        _min = _next = min;
        _max = max;
        _random = random ?? Random.Shared;
    }

    /// <summary>The next delay; doubles the one after, up to the cap.</summary>
    public TimeSpan Next()
    {
        var jitter = 0.8 + 0.4 * _random.NextDouble();
        var delay = TimeSpan.FromTicks((long)(_next.Ticks * jitter));
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, _max.Ticks));
        return delay;
    }

    public void Reset() => _next = _min;
}
