using System.Collections.Concurrent;

namespace Kavach.Edge.Risk;

/// <summary>What a stage fault means for the rest of the unit.</summary>
public enum FaultKind
{
    /// <summary>The stage works but cannot be trusted fully (a disk that fails, a queue that overflowed): FAULT.</summary>
    Degraded,

    /// <summary>The stage stopped making progress: FAULT, and the alarm's watchdog heartbeat stops.</summary>
    Stalled,

    /// <summary>The stage's loop died: FAULT, and the alarm's watchdog heartbeat stops.</summary>
    Crashed,
}

/// <summary>
/// Faults raised by stages and outputs (storage unwritable, a stage crashed, a queue overflowing).
/// Any active one makes the level FAULT (unless a hazard is HIGH). Thread-safe.
/// </summary>
public sealed class StageFaults
{
    private readonly ConcurrentDictionary<string, (FaultKind Kind, string Message)> _active = new(StringComparer.Ordinal);

    /// <summary>Raises (or updates) the fault of <paramref name="component"/>; true when it was not active.</summary>
    public bool Raise(string component, string message, FaultKind kind = FaultKind.Degraded)
    {
        if (_active.TryAdd(component, (kind, message)))
            return true;
        _active[component] = (kind, message);
        return false;
    }

    /// <summary>Clears the fault of <paramref name="component"/>; true when it was active.</summary>
    public bool Clear(string component) => _active.TryRemove(component, out _);

    public bool IsActive(string component) => _active.ContainsKey(component);

    /// <summary>
    /// True for a fault that means the stage stopped working (<see cref="FaultKind.Stalled"/> or
    /// <see cref="FaultKind.Crashed"/>), not merely degraded: the alarm's watchdog heartbeat stops while one is active.
    /// </summary>
    public static bool IsStall(FaultKind kind) => kind is FaultKind.Stalled or FaultKind.Crashed;

    /// <summary>The first active stall as "component: crashed: message", or null.</summary>
    public string? FirstStall()
    {
        foreach (var (component, fault) in _active)
            if (IsStall(fault.Kind))
                return Line(component, fault);
        return null;
    }

    /// <summary>"component: message" lines ("component: crashed: message" for a stall), sorted.</summary>
    public IReadOnlyCollection<string> Snapshot()
    {
        if (_active.IsEmpty)
            return [];
        return _active.Select(kv => Line(kv.Key, kv.Value)).Order(StringComparer.Ordinal).ToArray();
    }

    private static string Line(string component, (FaultKind Kind, string Message) fault) =>
        fault.Kind switch
        {
            FaultKind.Crashed => $"{component}: crashed: {fault.Message}",
            FaultKind.Stalled => $"{component}: stalled: {fault.Message}",
            _ => $"{component}: {fault.Message}",
        };
}
