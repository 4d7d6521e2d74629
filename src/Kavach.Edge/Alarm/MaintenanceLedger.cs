namespace Kavach.Edge.Alarm;

/// <summary>
/// The maintenance periods of the last days (monotonic timestamps), so that a remote command cannot keep
/// the post in maintenance for good: the time in maintenance inside any 24 h window is bounded
/// (<c>Alarm.MaxMaintenanceMinutesPerDay</c>). Not thread-safe: <see cref="AlarmControl"/> holds its lock.
/// </summary>
internal sealed class MaintenanceLedger(TimeProvider time)
{
    private readonly List<(long Start, long End)> _closed = [];
    private long _openStart = long.MinValue;

    /// <summary>One day in timestamp ticks.</summary>
    public long Day { get; } = (long)(TimeSpan.FromDays(1).TotalSeconds * time.TimestampFrequency);

    /// <summary>Start of the period now running (<see cref="long.MinValue"/> when none).</summary>
    public long OpenStart => _openStart;

    public void Open(long now) => _openStart = now;

    public void Close(long now)
    {
        if (_openStart == long.MinValue)
            return;
        _closed.Add((_openStart, now));
        _openStart = long.MinValue;
        _closed.RemoveAll(p => p.End < now - 2 * Day);
    }

    /// <summary>
    /// Maintenance in a 24 h window that would end at <paramref name="end"/> if the running period (or a new
    /// one from <paramref name="now"/>) lasted until then: what was spent in [end − 24 h, now] plus end − now.
    /// That window is the worst of all windows ending between now and end, as the new time grows at full rate
    /// while the old can only leave it as fast.
    /// </summary>
    public long WindowIfUntil(long now, long end)
    {
        var from = end - Day;
        var used = 0L;
        foreach (var (s, e) in _closed)
            used += Overlap(s, e, from, now);
        if (_openStart != long.MinValue)
            used += Overlap(_openStart, now, from, now);
        return used + (end - now);
    }

    private static long Overlap(long s, long e, long from, long to) => Math.Max(0, Math.Min(e, to) - Math.Max(s, from));
}
