namespace Kavach.Edge.Sensors;

/// <summary>
/// Rate limit for "refused a client" log lines: the first refusal of each address (and reason) is logged at once,
/// later ones at most once per <paramref name="period"/> with the count in between, so a client retrying in a loop
/// (or a scan) cannot flood the log or the SD card. Remembers at most <paramref name="maxKeys"/> keys (then starts
/// afresh). Not thread-safe: one per accept loop.
/// </summary>
public sealed class RefusalLog(TimeProvider time, TimeSpan period, int maxKeys = 256)
{
    private readonly Dictionary<string, (long Logged, int Since)> _keys = new(StringComparer.Ordinal);

    /// <summary>True when this refusal should be logged; <paramref name="suppressed"/> = refusals not logged since the last line.</summary>
    public bool ShouldLog(string key, out int suppressed)
    {
        var now = time.GetTimestamp();
        if (_keys.TryGetValue(key, out var k) && time.GetElapsedTime(k.Logged, now) < period)
        {
            _keys[key] = (k.Logged, k.Since + 1);
            suppressed = 0;
            return false;
        }
        if (_keys.Count >= maxKeys && !_keys.ContainsKey(key))
            _keys.Clear();
        suppressed = k.Since;
        _keys[key] = (now, 0);
        return true;
    }
}
