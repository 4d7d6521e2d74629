using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Model;

namespace Kavach.Edge.Risk;

/// <summary>
/// Turns each tick's assessment and faults into the unit's level: confirmation before HIGH,
/// hysteresis on the fog threshold, minimum hold times on the way down, FAULT while the unit cannot
/// vouch for the track. Severity HIGH &gt; FAULT &gt; MEDIUM &gt; LOW. Nothing downstream decides risk.
/// Not thread-safe: driven by the pipeline's single tick loop.
/// </summary>
public sealed class RiskStateMachine
{
    private readonly KavachOptions _options;
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _hazardSince = long.MinValue;
    private long _floorHazardSince = long.MinValue;
    private long _suspectSince = long.MinValue;
    private long _lowerSince = long.MinValue;
    private bool _fogMedium;
    private long _changes;

    public RiskStateMachine(KavachOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _start = time.GetTimestamp();
        Current = new RiskState
        {
            Change = ++_changes,
            Level = RiskLevel.Fault,
            Previous = null,
            Utc = time.GetUtcNow(),
            Timestamp = _start,
            Reasons = ["starting"],
            Faults = ["starting"],
            RaisedBy = "fault",
            Starting = true,
            GraceEndsAt = _start + _time.Ticks(options.Risk.StartupGraceMs),
        };
    }

    /// <summary>The current state (the initial one is FAULT "starting").</summary>
    public RiskState Current { get; private set; }

    /// <summary>Faults active at the last tick (live, unlike <see cref="RiskState.Faults"/> which is as of the change).</summary>
    public IReadOnlyList<string> ActiveFaults { get; private set; } = ["starting"];

    /// <summary>The safety floor's view at the last tick.</summary>
    public FloorAssessment? LastFloor { get; private set; }

    /// <summary>
    /// One tick. <paramref name="floor"/> null means the safety floor failed this tick (FAULT).
    /// <paramref name="model"/> is the model's view (null: none this tick); it may raise the level, never lower
    /// it: the hazard is floor OR model, and the confirmation and hold rules apply to that fused hazard.
    /// Returns the new state when the level changed, else null.
    /// </summary>
    public RiskState? Evaluate(
        FusionSnapshot snapshot,
        FloorAssessment? floor,
        IReadOnlyCollection<string> stageFaults,
        long now,
        ModelView? model = null
    )
    {
        var risk = _options.Risk;
        var faults = new List<string>(stageFaults);
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
        {
            var so = _options.Sensors[f.Sensor];
            if (!so.Required)
                continue;
            if (!f.EverSeen)
                faults.Add($"sensor {so.Name}: no data yet");
            else if (f.Stale)
                faults.Add($"sensor {so.Name}: stale ({f.AgeS:0.0} s without a frame)");
            else if (f.Frozen)
                faults.Add($"sensor {so.Name}: output frozen");
        }
        var starting = Current.Starting && (!snapshot.AllRequiredSeen || floor is null);
        if (starting)
            faults.Insert(0, "starting");
        if (floor is null && !faults.Exists(x => x.StartsWith("safety floor", StringComparison.Ordinal)))
            faults.Add("safety floor: no assessment");

        // HIGH needs the hazard seen continuously for the confirmation time (single-frame glitches are not alarms).
        var floorHazard = floor is { } fl && (fl.InZone || fl.TtcBelow);
        var hazard = floorHazard || model?.Hazard == true;
        if (!hazard)
            _hazardSince = long.MinValue;
        else if (_hazardSince == long.MinValue)
            _hazardSince = now;
        var confirmed = hazard && Elapsed(_hazardSince, now) >= risk.ConfirmMs;
        if (!floorHazard)
            _floorHazardSince = long.MinValue;
        else if (_floorHazardSince == long.MinValue)
            _floorHazardSince = now;
        var floorConfirmed = floorHazard && Elapsed(_floorHazardSince, now) >= risk.ConfirmMs;
        // the model's suspicion (its probability without evidence in the window) is MEDIUM at most, confirmed like a hazard
        var suspect = model?.Suspect == true;
        if (!suspect)
            _suspectSince = long.MinValue;
        else if (_suspectSince == long.MinValue)
            _suspectSince = now;
        var suspectConfirmed = suspect && Elapsed(_suspectSince, now) >= risk.ConfirmMs;

        // Fog alone is MEDIUM on a post (a car may come out of it); in a cab the crew sees the fog, and the MEDIUM
        // that matters is running faster than the sight allows, which the cab's floor decides (its Level)
        var cab = floor?.Cab is not null;
        if (cab)
            _fogMedium = false;
        else if (floor is { } a && !double.IsNaN(a.VisibilityM))
        {
            if (a.VisibilityM <= risk.MediumVisibilityM)
                _fogMedium = true;
            else if (a.VisibilityM > risk.MediumVisibilityM + risk.VisibilityHysteresisM)
                _fogMedium = false;
        }

        var floorLevel = RiskLevel.Low;
        if (floorConfirmed)
            floorLevel = RiskLevel.High;
        else if (_fogMedium || floor?.Approaching == true || (cab && floor!.Level >= RiskLevel.Medium))
            floorLevel = RiskLevel.Medium;
        var candidate = floorLevel;
        if (confirmed)
            candidate = RiskLevel.High;
        else if (model?.FogMedium == true || suspectConfirmed)
            candidate = RiskLevels.Max(candidate, RiskLevel.Medium);
        var hazardLevel = candidate;
        if (faults.Count > 0)
            candidate = RiskLevels.Max(candidate, RiskLevel.Fault);

        var current = Current.Level;
        RiskLevel next;
        if (candidate >= current)
        {
            _lowerSince = long.MinValue;
            next = candidate;
        }
        else
        {
            // Going down only after the lower level has held for the current level's hold time.
            if (_lowerSince == long.MinValue)
                _lowerSince = now;
            next = Elapsed(_lowerSince, now) >= HoldMs(current) ? candidate : current;
        }
        ActiveFaults = faults;
        LastFloor = floor;
        if (next == current)
        {
            if (starting != Current.Starting)
                Current = Current with { Starting = starting };
            return null;
        }
        _lowerSince = long.MinValue;

        var reasons = new List<string>();
        if (floor is not null)
            reasons.AddRange(floor.Reasons);
        if (model is not null && hazardLevel > floorLevel)
            reasons.Add(ModelReason(model));
        if (next == RiskLevel.Fault || faults.Count > 0)
            reasons.AddRange(faults.Where(x => !reasons.Contains(x)));
        if (next > candidate)
            reasons.Add($"holding {RiskLevels.Name(next)}");
        if (reasons.Count == 0)
            reasons.Add("nothing detected");
        if (model?.Abstained is { } abstained)
            reasons.Add(abstained); // the floor alone decided, and why

        Current = new RiskState
        {
            Change = ++_changes,
            Level = next,
            Previous = current,
            Utc = _time.GetUtcNow(),
            Timestamp = now,
            Reasons = reasons,
            Faults = faults,
            RaisedBy =
                next == RiskLevel.Fault && hazardLevel < RiskLevel.Fault ? "fault"
                : hazardLevel > floorLevel ? "model"
                : "floor",
            Floor = floor,
            Model = model,
            Starting = starting,
            GraceEndsAt = Current.GraceEndsAt,
        };
        return Current;
    }

    private string ModelReason(ModelView m) =>
        m.Hazard
            ? string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"model: obstacle inside {_options.Risk.StoppingDistanceM:0} m, probability {m.ObstacleProbability:0.00}"
            )
        : m.FogMedium
            ? string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"model: {FogClasses.Name(m.FogClass)} fog, visibility ~{m.VisibilityM:0} m"
            )
        : string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"model suspects an obstacle (p={m.ObstacleProbability:0.00}): no sensor return inside {_options.Risk.StoppingDistanceM + _options.Model.EvidenceMarginM:0} m"
        );

    private int HoldMs(RiskLevel level) =>
        level switch
        {
            RiskLevel.High => _options.Risk.HighHoldMs,
            RiskLevel.Fault => _options.Risk.FaultHoldMs,
            RiskLevel.Medium => _options.Risk.MediumHoldMs,
            _ => 0,
        };

    private double Elapsed(long since, long now) => _time.GetElapsedTime(since, now).TotalMilliseconds;
}
