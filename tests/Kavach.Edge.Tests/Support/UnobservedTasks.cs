using System.Collections.Concurrent;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// Collects task exceptions nobody observed (a faulted task dropped without an await), so the test harnesses fail on
/// them as on an error log. Process-wide: tests run in parallel, so an exception may surface in the check of a test
/// other than the one that dropped it — either way it is a product bug to fix, never noise.
/// </summary>
public static class UnobservedTasks
{
    private static readonly ConcurrentQueue<Exception> Seen = new();
    private static int _probes;

    static UnobservedTasks() =>
        TaskScheduler.UnobservedTaskException += (_, e) =>
        {
            // The guard's own test drops probes: counted apart, so a test running beside it never reports them.
            if (e.Exception.InnerExceptions.All(x => x is ProbeException))
                Interlocked.Increment(ref _probes);
            else if (e.Exception.InnerExceptions.All(IsSerialStreamCloseRace))
                Interlocked.Increment(ref _libraryRaces);
            else
                Seen.Enqueue(e.Exception);
        };

    private static int _libraryRaces;

    /// <summary>
    /// System.IO.Ports' own race, not ours (docs/platform.md, "SerialPort's close race"): on Linux, SerialStream's
    /// private I/O loop task reads <c>TotalBytesAvailable</c> after its poll while <c>Dispose</c> on another thread has
    /// already dropped the handle; the loop task faults with a NullReferenceException that the library never observes.
    /// Nothing of ours can observe it either (the task is private). Only that exact signature is let through.
    /// </summary>
    public static bool IsSerialStreamCloseRace(Exception x) =>
        x is NullReferenceException
        && x.StackTrace is { } st
        && st.Contains("System.IO.Ports.SerialStream.get_TotalBytesAvailable", StringComparison.Ordinal)
        && st.Contains("System.IO.Ports.SerialStream.IOLoop", StringComparison.Ordinal);

    /// <summary>System.IO.Ports close races (<see cref="IsSerialStreamCloseRace"/>) seen so far.</summary>
    public static int LibraryRaces => Volatile.Read(ref _libraryRaces);

    /// <summary>Probes (<see cref="ProbeException"/>) seen unobserved so far.</summary>
    public static int Probes => Volatile.Read(ref _probes);

    /// <summary>Hooks the event (idempotent); harnesses call it when they start, so the hook is in place before any task can
    /// fault.</summary>
    public static void Watch() { }

    /// <summary>
    /// Forces the finalisers that raise the event (a faulted task reports only when it is collected), then takes every
    /// exception seen so far: those <paramref name="expected"/> names (any substring of the exception's text) are dropped,
    /// the rest returned as text.
    /// </summary>
    public static IReadOnlyList<string> Take(IReadOnlyCollection<string> expected)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var found = new List<string>();
        while (Seen.TryDequeue(out var e))
        {
            var text = "unobserved task exception: " + e;
            if (!expected.Any(x => text.Contains(x, StringComparison.Ordinal)))
                found.Add(text);
        }
        return found;
    }
}

/// <summary>What the guard's own test throws in a task it drops.</summary>
public sealed class ProbeException() : Exception("unobserved-task probe");
