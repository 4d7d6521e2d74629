using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Support;

/// <summary>An ILogger that keeps every entry (thread-safe), so tests can assert what was logged — and that nothing
/// at error level was (<see cref="AssertNoErrors"/>).</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get { lock (_entries) return _entries.ToArray(); }
    }

    public int Count(LogLevel level, string contains) => Entries.Count(e => e.Level == level && e.Message.Contains(contains, StringComparison.Ordinal));

    public void AssertNoErrors()
    {
        var errors = Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.Message).ToArray();
        Assert.True(errors.Length == 0, "error-level log entries:\n" + string.Join("\n", errors));
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries) _entries.Add((logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
    }
}

/// <summary>The typed face of <see cref="ListLogger"/>.</summary>
public sealed class ListLogger<T>(ListLogger inner) : ILogger<T>
{
    public ListLogger Inner => inner;
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, formatter);
}
