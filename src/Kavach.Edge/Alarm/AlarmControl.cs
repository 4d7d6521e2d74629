using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Alarm;

/// <summary>Where an operator command came from.</summary>
public enum CommandSource
{
    Button,
    Mqtt,
    Api,

    /// <summary>Not an operator: the route announcer (docs/route.md). Its "announce" events are recorded with the operators'
    /// so that the acknowledgement that follows has its subject beside it.</summary>
    Route,
}

/// <summary>A landmark announcement the alarm shows until it is acknowledged or the landmark is passed.</summary>
/// <param name="Key">The landmark it is for (ends it when passed).</param>
/// <param name="Text">What was announced ("signal S12 ahead, 500 metres").</param>
/// <param name="Pattern">The lamps and buzzer of its landmark kind.</param>
public sealed record Announcement(object Key, string Text, AlarmPattern Pattern);

/// <summary>The answer to an operator command: refused commands say why.</summary>
public sealed record CommandOutcome(bool Accepted, string Reason);

/// <summary>
/// One operator action, recorded whether it was accepted or refused.
/// Kind: "ack", "ack-refused", "maintenance-start", "maintenance-extend", "maintenance-end", "maintenance-refused", and
/// "announce" (a landmark ahead, <see cref="CommandSource.Route"/>).
/// <see cref="By"/> and <see cref="Detail"/> are clean (<see cref="RemoteText"/>).
/// </summary>
public sealed record OperatorEvent(string Kind, string By, CommandSource Source, DateTimeOffset Utc, long Episode, string Detail);

/// <summary>
/// The operator's hold on the alarm: acknowledging (silencing the buzzer) and maintenance.
/// <para>Episodes: a new alarm episode opens on every rise in severity (LOW → anything, MEDIUM → FAULT,
/// FAULT → HIGH, ...); its number is the <see cref="RiskState.Change"/> of that rise. A fall that stays
/// above LOW keeps the episode; LOW ends it (<see cref="CurrentEpisode"/> 0). A rise clears the silence at
/// once, so a worse alarm is always heard.</para>
/// <para>An acknowledgement mutes the buzzer for <c>SilenceMs</c>, never the lamps, once per episode (a
/// repeat is refused). Maintenance (at most <c>MaxMaintenanceMs</c> per command) shows its own pattern with
/// the buzzer quiet, except over HIGH, and ends by itself; remote commands cannot take it past
/// <c>MaxMaintenanceMs</c> per period or <c>MaxMaintenanceMinutesPerDay</c> in 24 h (<see cref="MaintenanceLedger"/>). Every command,
/// accepted or refused, and every end of maintenance raises
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
    private readonly MaintenanceLedger _ledger;
    private TimeSpan _lastGrant;
    private long _ackedEpisode;
    private OperatorEvent? _last;
    private Announcement? _announcement;

    public AlarmControl(AlarmOptions options, TimeProvider time, ILogger<AlarmControl> log)
    {
        _options = options;
        _time = time;
        _log = log;
        _ledger = new MaintenanceLedger(time);
        _timer = time.CreateTimer(_ => OnDeadline(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Every ack, refusal, maintenance start and end, with its source.</summary>
    public event Action<OperatorEvent>? Recorded;

    /// <summary>Raised after the silence or maintenance changed (the alarm redraws its outputs).</summary>
    internal event Action? StateChanged;

    /// <summary>RiskState.Change that opened the current episode (0 when LOW).</summary>
    public long CurrentEpisode
    {
        get
        {
            lock (_lock)
                return _episode;
        }
    }

    public bool InMaintenance
    {
        get
        {
            lock (_lock)
                return _time.GetTimestamp() < _maintenanceUntil;
        }
    }

    public DateTimeOffset? MaintenanceUntil
    {
        get
        {
            lock (_lock)
                return _time.GetTimestamp() < _maintenanceUntil ? _maintenanceUntilUtc : null;
        }
    }

    /// <summary>The latest operator event (accepted or refused) of this run, for the alerts; null before the first.</summary>
    public OperatorEvent? LastEvent
    {
        get
        {
            lock (_lock)
                return _last;
        }
    }

    /// <summary>The landmark announcement being shown; null when none (acknowledged, passed, or none made).</summary>
    public Announcement? Announcement
    {
        get
        {
            lock (_lock)
                return _announcement;
        }
    }

    /// <summary>
    /// Shows <paramref name="a"/> (replacing an earlier one) until the ack button or <see cref="EndAnnouncement"/>; recorded as
    /// an "announce" event. The alarm shows its pattern over LOW, and its buzzer over MEDIUM; HIGH, FAULT and maintenance
    /// are never covered (<see cref="AlarmEngine"/>).
    /// </summary>
    public void Announce(Announcement a)
    {
        OperatorEvent e;
        lock (_lock)
        {
            _announcement = a;
            e = Event("announce", "route", CommandSource.Route, a.Text);
        }
        Publish(e);
    }

    /// <summary>Ends the announcement for <paramref name="key"/> if it is the one shown (the landmark was passed).</summary>
    public void EndAnnouncement(object key)
    {
        lock (_lock)
        {
            if (_announcement is null || !ReferenceEquals(_announcement.Key, key))
                return;
            _announcement = null;
        }
        StateChanged?.Invoke();
    }

    public bool BuzzerSilenced
    {
        get
        {
            lock (_lock)
                return _time.GetTimestamp() < _silenceUntil;
        }
    }

    /// <summary>
    /// Acknowledges <paramref name="episode"/> (null = the current one): mutes the buzzer for SilenceMs, once per
    /// episode. A rise in severity opens a new episode, so each rise may be acknowledged once; a repeated
    /// acknowledgement of the same episode is refused and does not extend the silence (a replayed command must
    /// not keep the buzzer muted for a whole episode).
    /// </summary>
    public CommandOutcome Acknowledge(long? episode, string by, CommandSource source)
    {
        OperatorEvent e;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            // an announcement is acknowledged by any press (with the episode's acknowledgement when one is due)
            var announced = _announcement?.Text;
            _announcement = null;
            if (announced is not null && (_episode == 0 || _ackedEpisode == _episode || (episode is { } a && a != _episode)))
                e = Event("ack", by, source, $"announcement acknowledged: {announced}");
            else if (_episode == 0)
                e = Event("ack-refused", by, source, "nothing to acknowledge: the level is LOW");
            else if (episode is { } asked && asked != _episode)
                e = Event(
                    "ack-refused",
                    by,
                    source,
                    $"episode {asked} is not the current one ({_episode}): a newer alarm needs its own acknowledgement"
                );
            else if (_ackedEpisode == _episode)
                e = Event(
                    "ack-refused",
                    by,
                    source,
                    $"episode {_episode} is already acknowledged ({Level}): an acknowledgement silences once per episode and level rise; the silence is not extended"
                );
            else
            {
                _ackedEpisode = _episode;
                _silenceUntil = now + Ticks(_options.SilenceMs);
                e = Event(
                    "ack",
                    by,
                    source,
                    $"buzzer silenced for {_options.SilenceMs / 1000.0:0.#} s at {Level}; lamps unchanged"
                        + (announced is null ? "" : $"; announcement acknowledged: {announced}")
                );
                Reschedule(now);
            }
        }
        return Publish(e);
    }

    /// <summary>
    /// Starts (or extends, from now) maintenance for <paramref name="duration"/>, at most MaxMaintenanceMs per
    /// command. A remote command (MQTT) is refused when the period, extensions included, would last longer than
    /// MaxMaintenanceMs, or when maintenance would pass MaxMaintenanceMinutesPerDay in a 24 h window: going past
    /// those bounds needs a local action (the API on the post's network, the button), which is recorded as such.
    /// </summary>
    public CommandOutcome StartMaintenance(TimeSpan duration, string by, CommandSource source)
    {
        OperatorEvent e;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var extending = now < _maintenanceUntil;
            var start = extending ? _ledger.OpenStart : now;
            var end = now + (long)(duration.TotalSeconds * _time.TimestampFrequency);
            var perDay = _options.MaxMaintenanceMinutesPerDay;
            var periodTooLong = duration > TimeSpan.Zero && _time.GetElapsedTime(start, end).TotalMilliseconds > _options.MaxMaintenanceMs;
            var dayTooLong =
                duration > TimeSpan.Zero && _time.GetElapsedTime(0, _ledger.WindowIfUntil(now, end)).TotalMinutes > perDay + 1e-9;
            const string local = "going past it needs a local action (the page on the post's network, or holding the ack button)";
            if (duration <= TimeSpan.Zero)
                e = Event("maintenance-refused", by, source, $"duration must be positive, got {duration}");
            else if (duration.TotalMilliseconds > _options.MaxMaintenanceMs)
                e = Event(
                    "maintenance-refused",
                    by,
                    source,
                    $"duration {duration} is longer than Alarm.MaxMaintenanceMs ({TimeSpan.FromMilliseconds(_options.MaxMaintenanceMs)})"
                );
            else if (source == CommandSource.Mqtt && periodTooLong)
                e = Event(
                    "maintenance-refused",
                    by,
                    source,
                    $"this maintenance would last {_time.GetElapsedTime(start, end)} in all, past Alarm.MaxMaintenanceMs ({TimeSpan.FromMilliseconds(_options.MaxMaintenanceMs)}); {local}"
                );
            else if (source == CommandSource.Mqtt && dayTooLong)
                e = Event(
                    "maintenance-refused",
                    by,
                    source,
                    $"maintenance would reach {_time.GetElapsedTime(0, _ledger.WindowIfUntil(now, end)).TotalMinutes:0} min within 24 h, past Alarm.MaxMaintenanceMinutesPerDay ({perDay} min); {local}"
                );
            else
            {
                if (!extending)
                    _ledger.Open(now);
                _maintenanceUntil = end;
                _maintenanceUntilUtc = _time.GetUtcNow() + duration;
                _maintenanceBy = (RemoteText.Clean(by), source);
                _lastGrant = duration;
                var past =
                    periodTooLong || dayTooLong
                        ? $"; past the bound ({(periodTooLong ? "Alarm.MaxMaintenanceMs" : "Alarm.MaxMaintenanceMinutesPerDay")}) by a local action"
                        : "";
                e = Event(
                    extending ? "maintenance-extend" : "maintenance-start",
                    by,
                    source,
                    $"{(extending ? "extended" : "started")} for {duration}, until {_maintenanceUntilUtc:O}{past}; buzzer quiet, maintenance pattern shown (a HIGH still shows)"
                );
                Reschedule(now);
            }
        }
        return Publish(e);
    }

    /// <summary>
    /// The button held during maintenance: a local action that renews it for its last grant (at most
    /// MaxMaintenanceMs), past the daily bound if need be. Refused when not in maintenance.
    /// </summary>
    public CommandOutcome ExtendMaintenanceLocally()
    {
        TimeSpan grant;
        OperatorEvent? refused = null;
        lock (_lock)
        {
            grant = _lastGrant;
            if (_time.GetTimestamp() >= _maintenanceUntil)
                refused = Event("maintenance-refused", "button", CommandSource.Button, "the button extends maintenance only while it runs");
        }
        return refused is not null ? Publish(refused) : StartMaintenance(grant, "button", CommandSource.Button);
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
                _ledger.Close(now);
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
            if (state.Change <= _lastChange)
                return;
            _lastChange = state.Change;
            var rise = _level is not { } previous || state.Level > previous;
            rearmed = _time.GetTimestamp() < _silenceUntil && (rise || state.Level == RiskLevel.Low);
            if (state.Level == RiskLevel.Low)
                _episode = 0;
            else if (rise || _episode == 0)
                _episode = state.Change;
            if (rearmed)
                _silenceUntil = long.MinValue;
            _level = state.Level;
        }
        if (rearmed)
            _log.LogInformation("Buzzer re-armed: {Level} (episode {Episode})", RiskLevels.Name(state.Level), state.Change);
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
                _ledger.Close(now);
                e = Event(
                    "maintenance-end",
                    "expiry",
                    _maintenanceBy.Source,
                    $"expired (started by {_maintenanceBy.By}); outputs follow the level again"
                );
            }
            Reschedule(now);
        }
        if (e is not null)
            Publish(e);
        else
            StateChanged?.Invoke();
    }

    // Caller holds the lock: one timer for the next deadline (silence end or maintenance end).
    private void Reschedule(long now)
    {
        var next = long.MaxValue;
        if (_silenceUntil > now)
            next = _silenceUntil;
        if (_maintenanceUntil > now)
            next = Math.Min(next, _maintenanceUntil);
        var due = next == long.MaxValue ? Timeout.InfiniteTimeSpan : _time.GetElapsedTime(now, next);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private string Level => _level is { } l ? RiskLevels.Name(l) : "-";

    // The last line of defence for remote text: whatever a caller passed, logs, storage and the page get it clean.
    private OperatorEvent Event(string kind, string by, CommandSource source, string detail) =>
        new(
            kind,
            RemoteText.Clean(by) is { Length: > 0 } b ? b : "(unnamed)",
            source,
            _time.GetUtcNow(),
            _episode,
            RemoteText.Clean(detail, 400)
        );

    private CommandOutcome Publish(OperatorEvent e)
    {
        if (e.Source != CommandSource.Route) // the alerts carry the latest operator's action, not the announcer's
            lock (_lock)
                _last = e;
        _log.LogInformation(
            "Operator {Kind} by {By} via {Source} (episode {Episode}): {Detail}",
            e.Kind,
            e.By,
            e.Source,
            e.Episode,
            e.Detail
        );
        if (Recorded is { } handlers)
        {
            foreach (var h in handlers.GetInvocationList().Cast<Action<OperatorEvent>>())
            {
                try
                {
                    h(e);
                }
                catch (Exception ex)
                {
                    _log.LogError(ex, "An operator-event subscriber failed");
                }
            }
        }
        StateChanged?.Invoke();
        var accepted = e.Kind is "ack" or "maintenance-start" or "maintenance-extend" or "maintenance-end";
        return new CommandOutcome(accepted, e.Detail);
    }

    private long Ticks(int ms) => (long)(ms / 1000.0 * _time.TimestampFrequency);
}
