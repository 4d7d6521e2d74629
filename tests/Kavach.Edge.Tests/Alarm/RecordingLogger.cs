using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>Collects log lines (level and rendered message) so a test can read what an operator would see.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message)> _lines;

    public RecordingLogger(List<(LogLevel Level, string Message)> lines) => _lines = lines;

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
        lock (_lines)
            _lines.Add((logLevel, formatter(state, exception)));
    }
}
