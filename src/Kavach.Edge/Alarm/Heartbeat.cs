using Kavach.Edge.Configuration;
using Kavach.Edge.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Alarm;

/// <summary>
/// The external watchdog relay's input: every <c>HeartbeatMs</c> the line changes level, but only while
/// <see cref="PipelineHealth"/> holds (the pipeline ticked within its limit and no stage crashed or
/// stalled). When the daemon hangs, dies or loses power, or a stage stops, the line stops toggling and
/// the relay drops (docs/alarm-wiring.md). A stopped stage therefore stops it at the next beat, within
/// one heartbeat period. Thread-safe; the timer's callbacks do not overlap (one-shot, re-armed).
/// </summary>
public sealed class Heartbeat(AlarmOptions options, AlarmOutputs outputs, PipelineHealth health, TimeProvider time, ILogger<Heartbeat> log)
    : IDisposable
{
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private bool _level;
    private bool? _beating;

    /// <summary>True while the line is toggling.</summary>
    public bool Beating => _beating == true;

    /// <summary>Toggles so far.</summary>
    public long Toggles { get; private set; }

    public void Start()
    {
        lock (_lock)
        {
            _timer ??= time.CreateTimer(_ => Beat(), null, TimeSpan.FromMilliseconds(options.HeartbeatMs), Timeout.InfiniteTimeSpan);
        }
    }

    private void Beat()
    {
        lock (_lock)
        {
            if (_timer is null)
                return;
            var healthy = health.Check(out var reason);
            if (healthy)
            {
                _level = !_level;
                outputs.Set(AlarmLine.Heartbeat, _level);
                Toggles++;
                if (_beating == false)
                    log.LogInformation("Heartbeat resumed: the pipeline is ticking again");
            }
            else if (_beating != false)
            {
                log.LogWarning("Heartbeat held (the external watchdog will drop): {Reason}", reason);
            }
            _beating = healthy;
            _timer.Change(TimeSpan.FromMilliseconds(options.HeartbeatMs), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops toggling and holds the line inactive (the relay drops).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _beating = false;
            _level = false;
            outputs.Set(AlarmLine.Heartbeat, false);
        }
    }

    public void Dispose() => Stop();
}
