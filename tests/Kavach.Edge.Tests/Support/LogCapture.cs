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
    public IReadOnlyList<string> Errors => _events.Where(e => e.Level >= LogEventLevel.Error)
        .Select(e => e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + (e.Exception is { } x ? " " + x : "")).ToList();

    /// <summary>Fails the test when an unexpected error was logged.</summary>
    public void AssertNoErrors() => Assert.True(Errors.Count == 0, "errors were logged:\n" + string.Join("\n", Errors));
}
