using Kavach.Edge.Assessment;

namespace Kavach.Edge.Model;

/// <summary>
/// The ONNX model's view of one fusion window, as the risk state, storage and the uplinked alert carry it.
/// A plain immutable record: every field is a number, an enum or a bool.
/// </summary>
public sealed record ModelView
{
    /// <summary>The most probable IMD fog band (clear, shallow, moderate, dense, very dense).</summary>
    public FogClass FogClass { get; init; } = FogClass.Unknown;
    /// <summary>The model's probability of <see cref="FogClass"/>, 0..1.</summary>
    public double FogProbability { get; init; }
    /// <summary>The model's visibility estimate, m (10^output, clamped to 1 m – 20 km).</summary>
    public double VisibilityM { get; init; } = double.NaN;
    /// <summary>Probability that an obstacle is inside the stopping distance (Risk.StoppingDistanceM), 0..1.</summary>
    public double ObstacleProbability { get; init; }
    /// <summary>The obstacle probability reached Model.HighProbability (a hazard; HIGH once confirmed like the floor's).</summary>
    public bool Hazard { get; init; }
    /// <summary>The fog class reached Model.MediumFogClass (MEDIUM).</summary>
    public bool FogMedium { get; init; }
    /// <summary>The model's own instantaneous level: HIGH for a hazard, MEDIUM for fog, else LOW.</summary>
    public RiskLevel Level => Hazard ? RiskLevel.High : FogMedium ? RiskLevel.Medium : RiskLevel.Low;
}
