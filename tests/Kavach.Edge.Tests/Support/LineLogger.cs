using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Support;

/// <summary>A logger that keeps every line, with an event per line (tests assert on what an operator would read).</summary>
public sealed class LineLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    public event Action<LogLevel, string>? Logged;

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
        var message = formatter(state, exception);
        Lines.Enqueue((logLevel, message));
        Logged?.Invoke(logLevel, message);
    }

    public bool Has(LogLevel level, string words) =>
        Lines.Any(l => l.Level == level && l.Message.Contains(words, StringComparison.OrdinalIgnoreCase));

    public int Count(LogLevel level, string words) =>
        Lines.Count(l => l.Level == level && l.Message.Contains(words, StringComparison.OrdinalIgnoreCase));
}
