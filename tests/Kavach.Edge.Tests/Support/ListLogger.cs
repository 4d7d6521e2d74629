using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Support;

/// <summary>An ILogger that keeps every entry (thread-safe), so tests can assert what was logged — and that nothing
/// at error level was (<see cref="AssertNoErrors"/>).</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
                return _entries.ToArray();
        }
    }

    public int Count(LogLevel level, string contains) =>
        Entries.Count(e => e.Level == level && e.Message.Contains(contains, StringComparison.Ordinal));

    /// <summary>The expected errors and the unobserved-task check.</summary>
    public ErrorGuard Guard { get; } = new();

    /// <summary>Names an error the test provokes on purpose (a substring of the message or exception).</summary>
    public void Expect(string substring) => Guard.Expect(substring);

    /// <summary>Fails the test when an unexpected error was logged or a task exception went unobserved.</summary>
    public void AssertNoErrors() => Guard.Check(Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Message));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    )
    {
        lock (_entries)
            _entries.Add((logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
    }
}

/// <summary>The typed face of <see cref="ListLogger"/>.</summary>
public sealed class ListLogger<T>(ListLogger inner) : ILogger<T>
{
    public ListLogger Inner => inner;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    ) => inner.Log(logLevel, eventId, state, exception, formatter);
}
