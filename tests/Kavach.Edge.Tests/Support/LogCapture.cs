using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A Serilog sink that keeps every event, so a test can wait for a log line and fail on hidden errors
/// (an error-level event the test did not expect).
/// </summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public Logger Logger { get; }

    public LogCapture() => Logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(this).CreateLogger();

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public IEnumerable<string> Messages => _events.Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>Error-level (or worse) messages logged so far.</summary>
    public IReadOnlyList<string> Errors =>
        _events
            .Where(e => e.Level >= LogEventLevel.Error)
            .Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + (e.Exception is { } x ? " " + x : ""))
            .ToList();

    /// <summary>Names an error the test provokes on purpose (a substring of the message or exception).</summary>
    public void Expect(string substring) => Guard.Expect(substring);

    /// <summary>The expected errors and the unobserved-task check.</summary>
    public ErrorGuard Guard { get; } = new();

    /// <summary>Fails the test when an unexpected error was logged or a task exception went unobserved.</summary>
    public void AssertNoErrors() => Guard.Check(Errors);
}
