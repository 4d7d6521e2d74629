using Kavach.Edge.Assessment;

namespace Kavach.Edge.Model;

/// <summary>
/// The ONNX model's view of one fusion window, as the risk state, storage and the uplinked alert carry it.
/// A plain immutable record: every field is a number, an enum, a bool or a string. When the model abstains
/// (<see cref="Abstained"/> set) it was not asked: no probability, no fog class, level LOW — the floor alone decides.
/// </summary>
public sealed record ModelView
{
    /// <summary>The most probable IMD fog band (clear, shallow, moderate, dense, very dense).</summary>
    public FogClass FogClass { get; init; } = FogClass.Unknown;

    /// <summary>The model's probability of <see cref="FogClass"/>, 0..1.</summary>
    public double FogProbability { get; init; }

    /// <summary>The model's visibility estimate, m (10^output, clamped to 1 m – 20 km).</summary>
    public double VisibilityM { get; init; } = double.NaN;

    /// <summary>Probability that an obstacle is inside the stopping distance (Risk.StoppingDistanceM), 0..1 (NaN when it
    /// abstained).</summary>
    public double ObstacleProbability { get; init; }

    /// <summary>The obstacle probability reached Model.HighProbability and a sensor showed evidence in the same window
    /// (a return inside the zone plus Model.EvidenceMarginM, or a TTC under the threshold): HIGH once confirmed like the floor's.</summary>
    public bool Hazard { get; init; }

    /// <summary>The obstacle probability reached Model.HighProbability with no evidence in the window: the model suspects
    /// an obstacle and may raise MEDIUM at most (it never invents an obstacle).</summary>
    public bool Suspect { get; init; }

    /// <summary>The fog class reached Model.MediumFogClass (MEDIUM).</summary>
    public bool FogMedium { get; init; }

    /// <summary>"model abstains: …" when the model was not asked about this window (a sensor silent or not live, a window
    /// filling, a LiDAR return beyond its reach, an input outside the training envelope); null when it answered.</summary>
    public string? Abstained { get; init; }

    /// <summary>The model's own instantaneous level: HIGH for a hazard, MEDIUM for a suspicion or fog, else LOW.</summary>
    public RiskLevel Level =>
        Hazard ? RiskLevel.High
        : Suspect || FogMedium ? RiskLevel.Medium
        : RiskLevel.Low;
}
