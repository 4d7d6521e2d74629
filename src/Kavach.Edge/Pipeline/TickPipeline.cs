using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Model;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Pipeline;

/// <summary>
/// One tick of the diagram: fusion window → assessment (safety floor ∥ model) → risk state → broadcast.
/// A failing safety floor is FAULT, never LOW; a failing model leaves the floor in charge (a degradation). <see cref="Step"/> is called by
/// the tick loop (or by a test with a FakeTimeProvider); not thread-safe against itself.
/// </summary>
public sealed class TickPipeline(
    FusionEngine fusion,
    ISafetyFloor floor,
    RiskStateMachine risk,
    RiskBroadcaster broadcaster,
    StageFaults faults,
    TimeProvider time,
    ILogger<TickPipeline> log,
    Hosting.KavachMetrics? metrics = null,
    ModelLayer? model = null
)
{
    private long _lastTick = long.MinValue;
    private long _ticks;
    private bool _floorFailing;

    /// <summary>Monotonic timestamp of the last completed tick (the heartbeat and watchdog read it).</summary>
    public long LastTick => Interlocked.Read(ref _lastTick);

    /// <summary>Ticks completed.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>The latest fusion output (API, console).</summary>
    public FusionSnapshot? LastSnapshot { get; private set; }

    /// <summary>The model's view at the last tick (null: no model, or it failed that tick; <see cref="ModelView.Abstained"/>: it
    /// abstained).</summary>
    public ModelView? LastModelView { get; private set; }

    /// <summary>The floor's view at the last tick (null: it failed that tick); in a cab its <see cref="FloorAssessment.Cab"/>
    /// carries the speeds telemetry and the page show.</summary>
    public FloorAssessment? LastAssessment { get; private set; }

    public RiskStateMachine Risk => risk;

    /// <summary>
    /// Raised on the tick thread with each tick's snapshot, before assessment (storage's per-second
    /// summaries and health changes). Handlers must be cheap and must not block: copy and return.
    /// </summary>
    public event Action<FusionSnapshot>? Ticked;

    /// <summary>Runs one tick now; returns the new risk state when the level changed.</summary>
    public RiskState? Step()
    {
        var now = time.GetTimestamp();
        var snapshot = fusion.Tick(now);
        LastSnapshot = snapshot;
        Ticked?.Invoke(snapshot);

        FloorAssessment? assessment = null;
        try
        {
            assessment = floor.Assess(snapshot);
            if (_floorFailing)
            {
                _floorFailing = false;
                faults.Clear("safety floor");
                log.LogInformation("Safety floor recovered");
            }
        }
        catch (Exception e)
        {
            if (!_floorFailing)
                log.LogError(e, "Safety floor failed: the unit is FAULT until it recovers");
            _floorFailing = true;
            faults.Raise("safety floor", e.GetType().Name + ": " + e.Message);
        }

        LastAssessment = assessment;
        var view = model?.Assess(snapshot); // never throws: null when the model is off or failed this tick
        LastModelView = view;
        var change = risk.Evaluate(snapshot, assessment, faults.Snapshot(), now, view);
        if (change is not null)
        {
            var level = RiskLevels.Name(change.Level);
            var why = string.Join("; ", change.Reasons);
            if (change.Level is RiskLevel.High or RiskLevel.Fault)
                log.LogWarning("Risk {Previous} -> {Level}: {Reasons}", change.Previous is { } p ? RiskLevels.Name(p) : "-", level, why);
            else
                log.LogInformation(
                    "Risk {Previous} -> {Level}: {Reasons}",
                    change.Previous is { } p ? RiskLevels.Name(p) : "-",
                    level,
                    why
                );
            broadcaster.Publish(change);
        }
        Interlocked.Exchange(ref _lastTick, now);
        Interlocked.Increment(ref _ticks);
        metrics?.TickDuration.Record(time.GetElapsedTime(now).TotalMilliseconds);
        return change;
    }
}
