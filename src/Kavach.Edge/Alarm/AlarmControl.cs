using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;

namespace Kavach.Edge.Alarm;

// STUB with the agreed surface of the alarm branch's AlarmControl, so the API branch compiles and its
// tests run on their own. The alarm branch's real file replaces this one when the branches are merged.
// It keeps only what the API observes: an alarm episode opens when the level rises to HIGH or FAULT,
// acknowledging the current episode silences the buzzer, maintenance is a timed flag.

/// <summary>Where an operator command came from.</summary>
public enum CommandSource { Button, Mqtt, Api }

/// <summary>Whether a command was carried out, and why not.</summary>
public sealed record CommandOutcome(bool Accepted, string Reason);

/// <summary>An acknowledgement or maintenance change, as recorded.</summary>
public sealed record OperatorEvent(string Kind, string By, CommandSource Source, DateTimeOffset Utc, long Episode, string Detail);

/// <summary>Operator commands on the alarm (stub). Thread-safe.</summary>
public sealed class AlarmControl
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _episode;
    private bool _alarmActive, _silenced;
    private DateTimeOffset? _maintenanceUntil;

    public AlarmControl(RiskBroadcaster broadcaster, TimeProvider time)
    {
        _time = time;
        broadcaster.Changed += OnChanged;
        if (broadcaster.Latest is { } s) OnChanged(s);
    }

    private void OnChanged(RiskState s)
    {
        lock (_lock)
        {
            var alarm = s.Level is RiskLevel.High or RiskLevel.Fault;
            if (alarm && (!_alarmActive || s.Level > (s.Previous ?? RiskLevel.Low)))
            {
                _episode = s.Change;
                _silenced = false;
            }
            _alarmActive = alarm;
        }
    }

    public CommandOutcome Acknowledge(long? episode, string by, CommandSource source)
    {
        long ep;
        lock (_lock)
        {
            if (!_alarmActive) return new(false, "no alarm to acknowledge");
            if (episode is { } e && e != _episode) return new(false, $"episode {e} is not the current alarm episode ({_episode})");
            if (_silenced) return new(true, "already acknowledged");
            _silenced = true;
            ep = _episode;
        }
        Recorded?.Invoke(new OperatorEvent("ack", by, source, _time.GetUtcNow(), ep, "buzzer silenced"));
        return new(true, "buzzer silenced");
    }

    public CommandOutcome StartMaintenance(TimeSpan duration, string by, CommandSource source)
    {
        DateTimeOffset until;
        lock (_lock) _maintenanceUntil = until = _time.GetUtcNow() + duration;
        Recorded?.Invoke(new OperatorEvent("maintenance-start", by, source, _time.GetUtcNow(), CurrentEpisode, $"until {until:O}"));
        return new(true, $"maintenance until {until:O}");
    }

    public CommandOutcome EndMaintenance(string by, CommandSource source)
    {
        lock (_lock)
        {
            if (_maintenanceUntil is not { } u || _time.GetUtcNow() >= u) return new(false, "not in maintenance");
            _maintenanceUntil = null;
        }
        Recorded?.Invoke(new OperatorEvent("maintenance-end", by, source, _time.GetUtcNow(), CurrentEpisode, ""));
        return new(true, "maintenance ended");
    }

    public long CurrentEpisode { get { lock (_lock) return _episode; } }

    public bool InMaintenance => MaintenanceUntil is { } u && _time.GetUtcNow() < u;

    public DateTimeOffset? MaintenanceUntil { get { lock (_lock) return _maintenanceUntil; } }

    public bool BuzzerSilenced { get { lock (_lock) return _silenced && _alarmActive; } }

    public event Action<OperatorEvent>? Recorded;
}
