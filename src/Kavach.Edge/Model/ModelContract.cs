namespace Kavach.Edge.Model;

/// <summary>
/// The model card's interface (models/README.md), checked when a model file is loaded: input and output
/// names, element types and shapes. The batch dimension may be symbolic (−1) or 1.
/// </summary>
public static class ModelContract
{
    /// <summary>Input: float32 [batch, <see cref="FeatureVector.Count"/>], the <see cref="FeatureVector"/>.</summary>
    public const string Input = "features";

    /// <summary>Output: float32 [batch, 5], softmax over the IMD fog bands clear, shallow, moderate, dense, very dense.</summary>
    public const string FogProbs = "fog_probs";

    /// <summary>Output: float32 [batch, 1], log10 of the visibility in metres.</summary>
    public const string VisibilityLog10 = "visibility_log10_m";

    /// <summary>Output: float32 [batch, 1], probability that an obstacle is inside the stopping distance.</summary>
    public const string ObstacleProb = "obstacle_prob";

    /// <summary>Fog classes the model distinguishes (FogClass 0..4).</summary>
    public const int FogClasses = 5;

    /// <summary>SHA-256 of the committed models/kavach-risk.onnx (the card's value; Model.Sha256 defaults to it).</summary>
    public const string CommittedSha256 = "74de5821a38d4f281254dc546ae35d1d553e9f472e18343523920b9afdeb3aee";

    /// <summary>The obstacle threshold chosen on the validation split (the card's value; Model.HighProbability defaults to it).</summary>
    public const double CommittedHighProbability = 0.0100;

    /// <summary>Outputs in the order the runner binds them, with their widths.</summary>
    internal static readonly (string Name, int Width)[] Outputs = [(FogProbs, FogClasses), (VisibilityLog10, 1), (ObstacleProb, 1)];
}
