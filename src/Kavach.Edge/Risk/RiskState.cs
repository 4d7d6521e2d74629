using Kavach.Edge.Assessment;
using Kavach.Edge.Model;

namespace Kavach.Edge.Risk;

/// <summary>
/// The unit's risk state after one change: what every output reacts to. Immutable; a new one per
/// level change. Durations use the monotonic clock (<see cref="Timestamp"/>); <see cref="Utc"/> is the
/// wall clock, which on a board without an RTC may be wrong until NTP syncs.
/// </summary>
public sealed record RiskState
{
    /// <summary>Changes since the daemon started (1 = the initial "starting" FAULT).</summary>
    public long Change { get; init; }
    public RiskLevel Level { get; init; }

    /// <summary>The level before this one (null for the first state after start).</summary>
    public RiskLevel? Previous { get; init; }
    public DateTimeOffset Utc { get; init; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the change was decided.</summary>
    public long Timestamp { get; init; }

    /// <summary>Why this level (hazards, fog, faults).</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>Active faults, listed whatever the level (a hazard outranks a fault but does not hide it).</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>Which layer set the level: "floor", "model" or "fault".</summary>
    public string RaisedBy { get; init; } = "fault";

    /// <summary>The safety floor's view at the change (null before the first assessment).</summary>
    public FloorAssessment? Floor { get; init; }

    /// <summary>The model's view at the change (null when the model is disabled, not loaded, or failed that tick).</summary>
    public ModelView? Model { get; init; }

    /// <summary>Until this monotonic timestamp the unit is in its start-up grace: lamps show FAULT, the buzzer stays quiet.</summary>
    public long GraceEndsAt { get; init; }

    /// <summary>True while the unit has not yet heard every required sensor and made its first assessment.</summary>
    public bool Starting { get; init; }
}
