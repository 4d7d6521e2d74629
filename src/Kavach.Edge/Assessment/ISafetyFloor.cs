using Kavach.Edge.Fusion;

namespace Kavach.Edge.Assessment;

/// <summary>
/// The deterministic layer of the assessment. Contract: stateless and thread-safe; a throw means the
/// floor failed this tick, which the pipeline turns into FAULT (never LOW).
/// </summary>
public interface ISafetyFloor
{
    FloorAssessment Assess(FusionSnapshot snapshot);
}
