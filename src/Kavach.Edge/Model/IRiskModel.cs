namespace Kavach.Edge.Model;

/// <summary>What the model answers for one window (raw, before the layer's sanity checks).</summary>
public struct ModelOutput
{
    /// <summary>Probability of each fog class (FogClass 0..4).</summary>
    public FogProbabilities Fog;

    /// <summary>log10 of the visibility, m.</summary>
    public float VisibilityLog10;

    /// <summary>Probability that an obstacle is inside the stopping distance.</summary>
    public float ObstacleProbability;
}

/// <summary>Five fog-class probabilities, inline (no allocation).</summary>
[System.Runtime.CompilerServices.InlineArray(ModelContract.FogClasses)]
public struct FogProbabilities
{
    private float _element;
}

/// <summary>
/// One model: <see cref="Predict"/> answers one feature vector. Contract: called from the pipeline's tick
/// loop only (not thread-safe); a throw or a non-finite answer is a run-time failure, which the
/// <see cref="ModelLayer"/> turns into a degradation (the safety floor stays in charge). The owner disposes.
/// </summary>
public interface IRiskModel : IDisposable
{
    void Predict(ReadOnlySpan<float> features, out ModelOutput output);

    /// <summary>The inputs' range in training (the model abstains outside it); null: none known, no envelope check.</summary>
    ModelEnvelope? Envelope => null;
}
