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

    /// <summary>
    /// True for a fault that means the stage stopped working (its message starts with "crashed" or
    /// "stalled"), not merely degraded: the alarm's watchdog heartbeat stops while one is active.
    /// </summary>
    public static bool IsStall(string message) =>
        message.StartsWith("crashed", StringComparison.Ordinal) || message.StartsWith("stalled", StringComparison.Ordinal);

    /// <summary>The first active stall as "component: message", or null.</summary>
    public string? FirstStall()
    {
        foreach (var (component, message) in _active)
            if (IsStall(message)) return $"{component}: {message}";
        return null;
    }

    /// <summary>"component: message" lines, sorted.</summary>
    public IReadOnlyCollection<string> Snapshot()
    {
        if (_active.IsEmpty) return [];
        return _active.Select(kv => $"{kv.Key}: {kv.Value}").Order(StringComparer.Ordinal).ToArray();
    }
}
