using System.Collections.Concurrent;

namespace Kavach.Edge.Risk;

/// <summary>
/// Faults raised by stages and outputs (storage unwritable, a stage crashed, a queue overflowing).
/// Any active one makes the level FAULT (unless a hazard is HIGH). Thread-safe.
/// </summary>
public sealed class StageFaults
{
    private readonly ConcurrentDictionary<string, string> _active = new(StringComparer.Ordinal);

    /// <summary>Raises (or updates) the fault of <paramref name="component"/>; true when it was not active.</summary>
    public bool Raise(string component, string message)
    {
        if (_active.TryAdd(component, message)) return true;
        _active[component] = message;
        return false;
    }

    /// <summary>Clears the fault of <paramref name="component"/>; true when it was active.</summary>
    public bool Clear(string component) => _active.TryRemove(component, out _);

    public bool IsActive(string component) => _active.ContainsKey(component);

    /// <summary>"component: message" lines, sorted.</summary>
    public IReadOnlyCollection<string> Snapshot()
    {
        if (_active.IsEmpty) return [];
        return _active.Select(kv => $"{kv.Key}: {kv.Value}").Order(StringComparer.Ordinal).ToArray();
    }
}
