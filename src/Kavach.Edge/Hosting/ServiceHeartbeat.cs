using System.Globalization;
using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Hosting;

/// <summary>
/// Proof of life, gated on the pipeline's own health (<see cref="Pipeline.PipelineHealth"/>, the same rule as the alarm's watchdog
/// heartbeat), never a free timer: while the pipeline ticks and no stage has stalled it rewrites the heartbeat file every second and, under
/// a unit with WatchdogSec=, sends WATCHDOG=1 at half the interval systemd gives in $WATCHDOG_USEC. A hung
/// pipeline therefore stops both: systemd kills and restarts the unit, and selftest sees a stale heartbeat.
/// Started last and stopped first; one loop; <see cref="Beat"/> is the loop body (tests call it directly).
/// </summary>
public sealed class ServiceHeartbeat : IHostedService, IDisposable
{
    private readonly Pipeline.TickPipeline _pipeline;
    private readonly StageFaults _faults;
    private readonly TimeProvider _time;
    private readonly ISystemdNotifier _notifier;
    private readonly ILogger<ServiceHeartbeat> _log;
    private readonly Pipeline.PipelineHealth _health;
    private CancellationTokenSource? _cts;
    private Task _run = Task.CompletedTask;
    private long _lastPing = long.MinValue;
    private bool _warned;
    private bool _writeFailed;

    public ServiceHeartbeat(
        KavachOptions options,
        Pipeline.TickPipeline pipeline,
        StageFaults faults,
        TimeProvider time,
        ISystemdNotifier notifier,
        ILogger<ServiceHeartbeat> log,
        TimeSpan? watchdogInterval = null,
        string? heartbeatFile = null
    )
    {
        _pipeline = pipeline;
        _faults = faults;
        _time = time;
        _notifier = notifier;
        _log = log;
        _health = new Pipeline.PipelineHealth(options, pipeline, faults, time); // the alarm heartbeat's rule: one definition of "alive"
        WatchdogInterval = watchdogInterval ?? WatchdogFromEnvironment();
        HeartbeatFile = heartbeatFile ?? StatePaths.HeartbeatFile(options);
        // A beat at least every second, and at least four per watchdog interval.
        Period = WatchdogInterval is { } w && w / 4 < TimeSpan.FromSeconds(1) ? w / 4 : TimeSpan.FromSeconds(1);
    }

    /// <summary>systemd's watchdog interval, or null when the unit has none.</summary>
    public TimeSpan? WatchdogInterval { get; }

    public string HeartbeatFile { get; }

    public TimeSpan Period { get; }

    /// <summary>WATCHDOG=1 pings sent.</summary>
    public long Pings { get; private set; }

    /// <summary>$WATCHDOG_USEC when it is meant for this process ($WATCHDOG_PID unset or ours).</summary>
    public static TimeSpan? WatchdogFromEnvironment()
    {
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            return null;
        return long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var us) && us > 0
            ? TimeSpan.FromMicroseconds(us)
            : null;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (WatchdogInterval is { } w)
            _log.LogInformation("systemd watchdog: {Interval} s; pinging at half that while the pipeline is healthy", w.TotalSeconds);
        _cts = new CancellationTokenSource();
        _run = Task.Run(() => RunAsync(_cts.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Period, _time);
        try
        {
            do Beat();
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    /// <summary>One beat: check health; when healthy, write the heartbeat and ping the watchdog when due.</summary>
    public bool Beat()
    {
        var healthy = _health.Check(out var reason);
        if (!healthy)
        {
            if (!_warned && _pipeline.LastTick != long.MinValue)
            {
                _log.LogWarning("Pipeline unhealthy ({Reason}): withholding the heartbeat and the systemd watchdog ping", reason);
                _warned = true;
            }
            return false;
        }
        if (_warned)
            _log.LogInformation("Pipeline healthy again: heartbeat resumed");
        _warned = false;
        WriteHeartbeat();
        // due at half the interval; half a beat early rather than a whole beat late
        if (WatchdogInterval is { } w && (_lastPing == long.MinValue || _time.GetElapsedTime(_lastPing) + Period / 2 >= w / 2))
        {
            _notifier.Notify(new ServiceState("WATCHDOG=1"));
            _lastPing = _time.GetTimestamp();
            Pings++;
        }
        return true;
    }

    private void WriteHeartbeat()
    {
        try
        {
            var level = _pipeline.Risk.Current.Level;
            File.WriteAllText(
                HeartbeatFile,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_time.GetUtcNow():O} pid={Environment.ProcessId} ticks={_pipeline.Ticks} level={Assessment.RiskLevels.Name(level)}\n"
                )
            );
            _writeFailed = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!_writeFailed)
                _log.LogWarning("Cannot write the heartbeat file {Path}: {Message}", HeartbeatFile, e.Message);
            _writeFailed = true;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _cts?.Cancel();
        await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _cts?.Dispose();
}
