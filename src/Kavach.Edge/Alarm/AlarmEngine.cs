using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Alarm;

/// <summary>
/// The pattern engine: chooses what the lamps and the buzzer show from the latest risk state and the
/// operator's hold, and plays it on a <see cref="TimeProvider"/> timer that wakes only at the next line
/// change (pins are written only on change, by <see cref="AlarmOutputs"/>).
/// <para>Order of precedence: halted (stopped/failed) › lamp test (ended early by HIGH) › HIGH › maintenance ›
/// the level's pattern (maintenance covers LOW, MEDIUM and FAULT, never HIGH; when it ends the level shows at once). A level's pattern is
/// shown at least <c>MinOnMs</c> before a less severe one replaces it; a more severe one replaces it at once, starting with its lamps and
/// buzzer on. During the start-up grace (starting FAULT before GraceEndsAt) the FAULT lamps show with the buzzer quiet
/// ("starting"). An acknowledgement mutes only the buzzer. A landmark announcement (<see cref="AlarmControl.Announce"/>) shows
/// its pattern over LOW and its buzzer over MEDIUM until acknowledged or passed; it never covers HIGH, FAULT, maintenance
/// or the lamp test.</para>
/// Thread-safe: risk changes arrive on the tick thread, commands and timers elsewhere; one lock.
/// </summary>
public sealed class AlarmEngine : IDisposable
{
    private readonly AlarmOptions _options;
    private readonly AlarmOutputs _outputs;
    private readonly AlarmControl _control;
    private readonly StageFaults _faults;
    private readonly TimeProvider _time;
    private readonly ILogger<AlarmEngine> _log;
    private readonly Dictionary<PatternKind, AlarmPattern> _patterns = [];
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private RiskState? _risk;
    private PatternKind? _shown;
    private Announcement? _shownAnnouncement;
    private string _shownName = "";
    private long _shownSince;
    private long _lampTestEnd = long.MinValue;
    private bool _halted;

    public AlarmEngine(
        AlarmOptions options,
        AlarmOutputs outputs,
        AlarmControl control,
        StageFaults faults,
        TimeProvider time,
        ILogger<AlarmEngine> log
    )
    {
        _options = options;
        _outputs = outputs;
        _control = control;
        _faults = faults;
        _time = time;
        _log = log;
        foreach (var kind in Enum.GetValues<PatternKind>())
            _patterns[kind] = options.Patterns.TryGetValue(kind, out var p) ? p : AlarmPatterns.Default(kind, options.LowLamp);
        _timer = time.CreateTimer(_ => Render(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        control.StateChanged += Render;
    }

    /// <summary>The pattern in effect for <paramref name="kind"/> (defaults with the configured overrides).</summary>
    public AlarmPattern PatternOf(PatternKind kind) => _patterns[kind];

    /// <summary>Starts showing; with a lamp test first when <c>LampTestMs</c> &gt; 0.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_options.LampTestMs > 0)
            {
                _lampTestEnd = _time.GetTimestamp() + Ticks(_options.LampTestMs);
                _log.LogInformation(
                    "Lamp test: green, amber and red lit for {Ms} ms, the buzzer for the first 200 ms",
                    _options.LampTestMs
                );
            }
        }
        Render();
    }

    /// <summary>A new risk state (the broadcaster's <c>Changed</c>, on the tick thread): the pins follow at once.</summary>
    public void OnRiskChanged(RiskState state)
    {
        _control.OnRiskState(state);
        lock (_lock)
        {
            if (_risk is { } r && r.Change >= state.Change)
                return;
            _risk = state;
        }
        Render();
    }

    /// <summary>
    /// Freezes the outputs in a final state and stops the pattern timer: "stopped" (clean stop: red and
    /// amber steady, buzzer quiet) or "failed" (red and amber steady, buzzer on). Idempotent for "failed".
    /// </summary>
    public void Halt(bool failed, string why)
    {
        lock (_lock)
        {
            if (_halted && !failed)
                return;
            _halted = true;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _outputs.SetPattern(failed ? "failed" : "stopped");
            _outputs.Set(AlarmLine.Green, false);
            _outputs.Set(AlarmLine.Amber, true);
            _outputs.Set(AlarmLine.Red, true);
            _outputs.Set(AlarmLine.Buzzer, failed);
        }
        if (failed)
            _log.LogCritical("Alarm outputs set to FAILED (red and amber steady, buzzer on): {Why}", why);
        else
            _log.LogInformation("Alarm outputs set to STOPPED (red and amber steady, buzzer quiet): {Why}", why);
    }

    private void Render()
    {
        try
        {
            lock (_lock)
                RenderLocked(_time.GetTimestamp());
        }
        catch (Exception e)
        {
            // never silence: the heartbeat stops on this fault and the external watchdog alarms
            if (_faults.Raise("alarm", "pattern engine: " + e.Message, FaultKind.Crashed))
                _log.LogCritical(e, "The alarm's pattern engine failed");
        }
    }

    private void RenderLocked(long now)
    {
        if (_halted)
            return;
        var deadline = long.MaxValue;
        var (kind, name, buzzerAllowed) = Choose(now, ref deadline);
        // a landmark announcement: its whole pattern over LOW, its buzzer over MEDIUM; nothing over the rest
        var announcement = kind is PatternKind.Low or PatternKind.Medium && name is "low" or "medium" ? _control.Announcement : null;
        var changed = kind != _shown || !ReferenceEquals(announcement, _shownAnnouncement);
        if (announcement is not null)
        {
            name += "+announce";
            buzzerAllowed = true; // the episode's silence was for the alarm acknowledged, not for a landmark announced since
        }
        var renamed = name != _shownName;
        if (changed)
        {
            _shown = kind;
            _shownAnnouncement = announcement;
            _shownSince = now;
        }
        _shownName = name;

        // pins first (red and buzzer leading), words after: the log never delays a lamp
        var pattern = _patterns[kind];
        var lamps = announcement is not null && kind == PatternKind.Low ? announcement.Pattern : pattern;
        var buzzer = announcement?.Pattern ?? pattern;
        var ms = (long)_time.GetElapsedTime(_shownSince, now).TotalMilliseconds;
        _outputs.Set(AlarmLine.Red, lamps[AlarmLine.Red].IsOn(ms));
        _outputs.Set(AlarmLine.Buzzer, buzzerAllowed && buzzer[AlarmLine.Buzzer].IsOn(ms));
        _outputs.Set(AlarmLine.Amber, lamps[AlarmLine.Amber].IsOn(ms));
        _outputs.Set(AlarmLine.Green, lamps[AlarmLine.Green].IsOn(ms));
        _outputs.SetPattern(name);
        if (changed && _log.IsEnabled(LogLevel.Information))
            _log.LogInformation(
                "Alarm shows {Pattern}: {Lines}",
                name,
                announcement is null ? pattern.Lines : $"{lamps.Lines} (buzzer from {announcement.Pattern.Name})"
            );
        else if (renamed)
            _log.LogInformation("Alarm shows {Pattern}", name);

        var next = Math.Min(lamps.NextChange(ms), buzzer.NextChange(ms));
        if (next != long.MaxValue)
            deadline = Math.Min(deadline, _shownSince + Ticks(next));
        _timer.Change(deadline == long.MaxValue ? Timeout.InfiniteTimeSpan : Due(now, deadline), Timeout.InfiniteTimeSpan);
    }

    private (PatternKind Kind, string Name, bool BuzzerAllowed) Choose(long now, ref long deadline)
    {
        var risk = _risk;
        if (now < _lampTestEnd && risk?.Level != RiskLevel.High)
        {
            deadline = _lampTestEnd;
            return (PatternKind.LampTest, "lamp-test", true);
        }

        var kind = risk?.Level switch
        {
            RiskLevel.Low => PatternKind.Low,
            RiskLevel.Medium => PatternKind.Medium,
            RiskLevel.High => PatternKind.High,
            _ => PatternKind.Fault, // FAULT, and nothing heard yet
        };
        // a brief alarm is still seen and heard: hold the more severe pattern for MinOnMs (not the
        // start-up indication, which is no alarm)
        if (_shown is { } shown && shown <= PatternKind.High && kind < shown && _shownName != "starting")
        {
            var holdEnd = _shownSince + Ticks(_options.MinOnMs);
            if (now < holdEnd)
            {
                kind = shown;
                deadline = Math.Min(deadline, holdEnd);
            }
        }
        // Maintenance covers LOW, MEDIUM and FAULT (the post is being worked on), never HIGH: an obstacle seen in
        // the zone is what the post exists for, and no inhibit, remote or forgotten, may keep red dark over it.
        if (_control.InMaintenance && kind != PatternKind.High)
            return (PatternKind.Maintenance, "maintenance", false);
        var silenced = _control.BuzzerSilenced;
        if (kind == PatternKind.Fault && (risk is null || (risk.Starting && now < risk.GraceEndsAt)))
        {
            if (risk is not null)
                deadline = Math.Min(deadline, risk.GraceEndsAt);
            return (kind, "starting", false);
        }
        return (
            kind,
            kind switch
            {
                PatternKind.Low => "low",
                PatternKind.Medium => "medium",
                PatternKind.High => "high",
                _ => "fault",
            },
            !silenced
        );
    }

    private TimeSpan Due(long now, long deadline) => deadline <= now ? TimeSpan.FromTicks(1) : _time.GetElapsedTime(now, deadline);

    private long Ticks(long ms) => (long)(ms * (_time.TimestampFrequency / 1000.0));

    public void Dispose()
    {
        _control.StateChanged -= Render;
        _timer.Dispose();
    }
}
