using System.Collections.Concurrent;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// Named degradations: the unit still runs and still vouches for the track on the safety floor, but something
/// a technician must know is wrong — not commissioned, a sensor's reach short of the zone. Unlike a fault they do
/// not make the level FAULT nor /health 503; they are shown on the page, /api/status, the /health detail and the
/// uplink's status and telemetry, for as long as they hold. Thread-safe.
/// </summary>
public sealed class Degradations
{
    private readonly ConcurrentDictionary<string, string> _active = new(StringComparer.Ordinal);

    /// <summary>Raised when the set changes (on the raising thread; handlers must be cheap).</summary>
    public event Action? Changed;

    /// <summary>Raises (or updates) a degradation under <paramref name="key"/>; true when it was not active or its text changed.</summary>
    public bool Raise(string key, string message)
    {
        var changed = !_active.TryGetValue(key, out var old) || old != message;
        _active[key] = message;
        if (changed)
            Changed?.Invoke();
        return changed;
    }

    /// <summary>Clears <paramref name="key"/>; true when it was active.</summary>
    public bool Clear(string key)
    {
        if (!_active.TryRemove(key, out _))
            return false;
        Changed?.Invoke();
        return true;
    }

    public bool IsActive(string key) => _active.ContainsKey(key);

    /// <summary>The active degradations' messages, sorted by key.</summary>
    public IReadOnlyList<string> Snapshot()
    {
        if (_active.IsEmpty)
            return [];
        return _active.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToArray();
    }

    /// <summary>The active degradations as (key, message), sorted by key.</summary>
    public IReadOnlyList<(string Key, string Message)> Entries() =>
        _active.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToArray();
}
