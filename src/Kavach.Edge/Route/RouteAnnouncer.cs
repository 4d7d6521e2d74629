using System.Globalization;
using Kavach.Edge.Alarm;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Route;

/// <summary>
/// Announces each landmark ahead once (docs/route.md, "Announcements"): at <see cref="RouteOptions.WarnDistanceM"/> or
/// <see cref="RouteOptions.WarnTimeS"/> before it, whichever comes first, the alarm shows the kind's pattern until the ack
/// button or the landmark is passed (<see cref="AlarmControl.Announce"/>), the announcement is recorded with the operator
/// events, and it is spoken when <c>Alarm.Voice</c> is on. A landmark stays announced while it is ahead, through a loss
/// of position too (never twice on one approach); once it is no longer ahead on a known position (passed, or the train
/// reversed) its announcement ends, and it is forgotten <see cref="ForgetS"/> later. A position regained inside the
/// warning distance announces at once, late rather than never.
/// Runs on the tick thread (<see cref="Pipeline.TickPipeline.Ticked"/>); allocation-free except when it announces.
/// </summary>
public sealed class RouteAnnouncer : IHostedService
{
    private readonly Pipeline.TickPipeline _pipeline;
    private readonly AlarmControl _control;
    private readonly AlarmEngine _alarm;
    private readonly RouteOptions _options;
    private readonly VoiceQueue? _voice;
    private readonly ILogger<RouteAnnouncer> _log;
    private readonly TimeProvider _time;
    private bool _failing;
    private readonly List<(Landmark Landmark, long LastAhead)> _announced = new(8);

    /// <summary>A landmark no longer ahead is forgotten after this long, s: a reversing train that comes back to it later
    /// hears it again; a fix's noise around the moment of passing does not.</summary>
    public const double ForgetS = 60;

    public RouteAnnouncer(
        Pipeline.TickPipeline pipeline,
        AlarmControl control,
        AlarmEngine alarm,
        KavachOptions options,
        TimeProvider time,
        ILogger<RouteAnnouncer> log,
        VoiceQueue? voice = null
    )
    {
        _pipeline = pipeline;
        _control = control;
        _alarm = alarm;
        _options = options.Route;
        _time = time;
        _voice = voice;
        _log = log;
    }

    /// <summary>Landmarks announced since start-up.</summary>
    public long Announcements { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _pipeline.Ticked += OnTick;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _pipeline.Ticked -= OnTick;
        return Task.CompletedTask;
    }

    /// <summary>One tick's route (the pipeline's handler; tests call it directly).</summary>
    public void OnTick(FusionSnapshot snapshot)
    {
        // the announcer runs on the tick thread before the floor: a fault of its own must never cost a tick's assessment
        try
        {
            Track(snapshot);
            _failing = false;
        }
        catch (Exception e)
        {
            if (!_failing)
                _log.LogError(
                    e,
                    "Route announcements failed: the landmarks are not announced until this recovers; the floor is unaffected"
                );
            _failing = true;
        }
    }

    private void Track(FusionSnapshot snapshot)
    {
        if (snapshot.Route is not { } route || !route.Position.Known)
            return; // unknown: nothing announced, nothing forgotten
        var ahead = route.Ahead.Span;
        var now = snapshot.Timestamp;
        for (var i = _announced.Count - 1; i >= 0; i--)
        {
            var (landmark, lastAhead) = _announced[i];
            var still = false;
            foreach (ref readonly var a in ahead)
                still |= ReferenceEquals(a.Landmark, landmark);
            if (still)
                _announced[i] = (landmark, now);
            else
            {
                // passed: the lamps go back to the level at once; the landmark is remembered a while longer, so that a
                // fix that puts the train a few metres short of it again does not announce it twice
                _control.EndAnnouncement(landmark);
                if (_time.GetElapsedTime(lastAhead, now).TotalSeconds > ForgetS)
                    _announced.RemoveAt(i);
            }
        }
        foreach (ref readonly var a in ahead)
            if (a.Landmark.Announced && LandmarkWarning.Within(a, _options) && !WasAnnounced(a.Landmark))
                Announce(a, now);
    }

    private bool WasAnnounced(Landmark landmark)
    {
        foreach (var (l, _) in _announced)
            if (ReferenceEquals(l, landmark))
                return true;
        return false;
    }

    private void Announce(in LandmarkAhead a, long now)
    {
        _announced.Add((a.Landmark, now));
        Announcements++;
        var spoken = Spoken(a);
        var pattern = _options.Patterns.TryGetValue(a.Landmark.Kind, out var p) ? p : _alarm.PatternOf(PatternKind.Announce);
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{RouteNames.Kind(a.Landmark.Kind)} {a.Landmark.Name}: {a.DistanceM:0} m ahead{(double.IsFinite(a.TimeS) ? $", {a.TimeS:0} s" : "")}"
        );
        _log.LogInformation("Landmark ahead: {Announcement}", text);
        _control.Announce(new Announcement(a.Landmark, text, pattern));
        _voice?.Speak(spoken);
    }

    /// <summary>What is spoken: "level crossing LC 12 ahead, 500 metres" (distance to 50 m; a restriction says its speed).</summary>
    public static string Spoken(in LandmarkAhead a)
    {
        var kind = RouteNames.Kind(a.Landmark.Kind).Replace('-', ' ');
        var metres = Math.Max(50, Math.Round(a.DistanceM / 50) * 50);
        var limit =
            a.Landmark.Kind == LandmarkKind.SpeedRestriction && double.IsFinite(a.Landmark.SpeedLimitKmh)
                ? string.Create(CultureInfo.InvariantCulture, $", {a.Landmark.SpeedLimitKmh:0} kilometres an hour")
                : "";
        return string.Create(CultureInfo.InvariantCulture, $"{kind} {a.Landmark.Name} ahead, {metres:0} metres{limit}");
    }
}
