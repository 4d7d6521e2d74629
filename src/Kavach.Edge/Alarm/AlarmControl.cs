using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Alarm;

/// <summary>Where an operator command came from.</summary>
public enum CommandSource { Button, Mqtt, Api }

/// <summary>The answer to an operator command: refused commands say why.</summary>
public sealed record CommandOutcome(bool Accepted, string Reason);

/// <summary>
/// One operator action, recorded whether it was accepted or refused.
/// Kind: "ack", "ack-refused", "maintenance-start", "maintenance-end", "maintenance-refused".
/// </summary>
public sealed record OperatorEvent(string Kind, string By, CommandSource Source, DateTimeOffset Utc, long Episode, string Detail);

/// <summary>
/// The operator's hold on the alarm: acknowledging (silencing the buzzer) and maintenance.
/// <para>Episodes: a new alarm episode opens on every rise in severity (LOW → anything, MEDIUM → FAULT,
/// FAULT → HIGH, ...); its number is the <see cref="RiskState.Change"/> of that rise. A fall that stays
/// above LOW keeps the episode; LOW ends it (<see cref="CurrentEpisode"/> 0). A rise clears the silence at
/// once, so a worse alarm is always heard.</para>
/// <para>An acknowledgement mutes the buzzer for <c>SilenceMs</c>, never the lamps, and only for the
/// current episode. Maintenance (at most <c>MaxMaintenanceMs</c>) shows its own pattern with the buzzer
/// quiet and ends by itself. Every command, accepted or refused, and every end of maintenance raises
/// <see cref="Recorded"/> (and is logged).</para>
/// Thread-safe: commands come from the button, MQTT and the API at once. <see cref="Recorded"/> handlers
/// run on the caller's thread, outside the lock; keep them short.
/// </summary>
public sealed class AlarmControl
{
    private readonly AlarmOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AlarmControl> _log;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private long _episode;
    private long _lastChange;
    private RiskLevel? _level;
    private long _silenceUntil = long.MinValue;
    private long _maintenanceUntil = long.MinValue;
    private DateTimeOffset? _maintenanceUntilUtc;
    private (string By, CommandSource Source) _maintenanceBy;

    public AlarmControl(AlarmOptions options, TimeProvider time, ILogger<AlarmControl> log)
    {
        _options = options;
        _time = time;
        _log = log;
        _timer = time.CreateTimer(_ => OnDeadline(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Every ack, refusal, maintenance start and end, with its source.</summary>
    public event Action<OperatorEvent>? Recorded;

    /// <summary>Raised after the silence or maintenance changed (the alarm redraws its outputs).</summary>
    internal event Action? StateChanged;

    /// <summary>RiskState.Change that opened the current episode (0 when LOW).</summary>
    public long CurrentEpisode { get { lock (_lock) return _episode; } }

    public bool InMaintenance { get { lock (_lock) return _time.GetTimestamp() < _maintenanceUntil; } }

    public DateTimeOffset? MaintenanceUntil { get { lock (_lock) return _time.GetTimestamp() < _maintenanceUntil ? _maintenanceUntilUtc : null; } }

    public bool BuzzerSilenced { get { lock (_lock) return _time.GetTimestamp() < _silenceUntil; } }

    /// <summary>Acknowledges <paramref name="episode"/> (null = the current one): mutes the buzzer for SilenceMs.</summary>
    public CommandOutcome Acknowledge(long? episode, string by, CommandSource source)
    {
        OperatorEvent e;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (_episode == 0)
                e = Event("ack-refused", by, source, "nothing to acknowledge: the level is LOW");
            else if (episode is { } asked && asked != _episode)
                e = Event("ack-refused", by, source, $"episode {asked} is not the current one ({_episode}): a newer alarm needs its own acknowledgement");
            else
            {
                _silenceUntil = now + Ticks(_options.SilenceMs);
                e = Event("ack", by, source, $"buzzer silenced for {_options.SilenceMs / 1000.0:0.#} s at {Level}; lamps unchanged");
                Reschedule(now);
            }
        }
        return Publish(e);
    }

    /// <summary>Starts (or extends) maintenance for <paramref name="duration"/>, at most MaxMaintenanceMs.</summary>
    public CommandOutcome StartMaintenance(TimeSpan duration, string by, CommandSource source)
    {
        OperatorEvent e;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (duration <= TimeSpan.Zero)
                e = Event("maintenance-refused", by, source, $"duration must be positive, got {duration}");
            else if (duration.TotalMilliseconds > _options.MaxMaintenanceMs)
                e = Event("maintenance-refused", by, source, $"duration {duration} is longer than MaxMaintenanceMs ({TimeSpan.FromMilliseconds(_options.MaxMaintenanceMs)})");
            else
            {
                var extending = now < _maintenanceUntil;
                _maintenanceUntil = now + (long)(duration.TotalSeconds * _time.TimestampFrequency);
                _maintenanceUntilUtc = _time.GetUtcNow() + duration;
                _maintenanceBy = (by, source);
                e = Event("maintenance-start", by, source, $"{(extending ? "extended" : "started")} for {duration}, until {_maintenanceUntilUtc:O}; buzzer quiet, maintenance pattern shown");
                Reschedule(now);
            }
        }
        return Publish(e);
    }

    /// <summary>Ends maintenance now.</summary>
    public CommandOutcome EndMaintenance(string by, CommandSource source)
    {
        OperatorEvent e;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (now >= _maintenanceUntil)
                e = Event("maintenance-refused", by, source, "not in maintenance");
            else
            {
                _maintenanceUntil = long.MinValue;
                _maintenanceUntilUtc = null;
                e = Event("maintenance-end", by, source, "ended by the operator; outputs follow the level again");
                Reschedule(now);
            }
        }
        return Publish(e);
    }

    /// <summary>Follows the risk state to number episodes (called by the alarm for each change, in order).</summary>
    internal void OnRiskState(RiskState state)
    {
        bool rearmed;
        lock (_lock)
        {
            if (state.Change <= _lastChange) return;
            _lastChange = state.Change;
            var rise = _level is not { } previous || state.Level > previous;
            rearmed = _time.GetTimestamp() < _silenceUntil && (rise || state.Level == RiskLevel.Low);
            if (state.Level == RiskLevel.Low) _episode = 0;
            else if (rise || _episode == 0) _episode = state.Change;
            if (rearmed) _silenceUntil = long.MinValue;
            _level = state.Level;
        }
        if (rearmed) _log.LogInformation("Buzzer re-armed: {Level} (episode {Episode})", RiskLevels.Name(state.Level), state.Change);
    }

    private void OnDeadline()
    {
        OperatorEvent? e = null;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (_maintenanceUntil != long.MinValue && now >= _maintenanceUntil)
            {
                _maintenanceUntil = long.MinValue;
                _maintenanceUntilUtc = null;
                e = Event("maintenance-end", "expiry", _maintenanceBy.Source, $"expired (started by {_maintenanceBy.By}); outputs follow the level again");
            }
            Reschedule(now);
        }
        if (e is not null) Publish(e);
        else StateChanged?.Invoke();
    }

    // Caller holds the lock: one timer for the next deadline (silence end or maintenance end).
    private void Reschedule(long now)
    {
        var next = long.MaxValue;
        if (_silenceUntil > now) next = _silenceUntil;
        if (_maintenanceUntil > now) next = Math.Min(next, _maintenanceUntil);
        var due = next == long.MaxValue ? Timeout.InfiniteTimeSpan : _time.GetElapsedTime(now, next);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private string Level => _level is { } l ? RiskLevels.Name(l) : "-";

    private OperatorEvent Event(string kind, string by, CommandSource source, string detail) =>
        new(kind, string.IsNullOrWhiteSpace(by) ? "(unnamed)" : by, source, _time.GetUtcNow(), _episode, detail);

    private CommandOutcome Publish(OperatorEvent e)
    {
        _log.LogInformation("Operator {Kind} by {By} via {Source} (episode {Episode}): {Detail}", e.Kind, e.By, e.Source, e.Episode, e.Detail);
        if (Recorded is { } handlers)
        {
            foreach (var h in handlers.GetInvocationList().Cast<Action<OperatorEvent>>())
            {
                try { h(e); }
                catch (Exception ex) { _log.LogError(ex, "An operator-event subscriber failed"); }
            }
        }
        StateChanged?.Invoke();
        var accepted = e.Kind is "ack" or "maintenance-start" or "maintenance-end";
        return new CommandOutcome(accepted, e.Detail);
    }

    private long Ticks(int ms) => (long)(ms / 1000.0 * _time.TimestampFrequency);
}
