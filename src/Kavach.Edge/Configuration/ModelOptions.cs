using Kavach.Edge.Assessment;
using Kavach.Edge.Model;

namespace Kavach.Edge.Configuration;

/// <summary>What the daemon does when the model file cannot be loaded.</summary>
public enum ModelLoadFailure
{
    /// <summary>Refuse to start (exit code 2) with the reason.</summary>
    Refuse,

    /// <summary>Run on the safety floor alone, said in the log and in health.</summary>
    FloorOnly,
}

/// <summary><c>Model</c> section: the on-device ONNX model layered on the safety floor (it may raise the level, never lower it).</summary>
public sealed class ModelOptions
{
    /// <summary>Run the model. When false the deterministic safety floor alone decides (and health says so).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The .onnx file (relative paths are resolved against the executable's folder).</summary>
    public string Path { get; set; } = "models/kavach-risk.onnx";

    /// <summary>SHA-256 (hex) the file must have: the model card's value. Default: the committed model's.</summary>
    public string Sha256 { get; set; } = ModelContract.CommittedSha256;

    /// <summary>A model that cannot be loaded stops the daemon (<c>refuse</c>, exit 2) or leaves the floor alone
    /// (<c>floor-only</c>).</summary>
    public ModelLoadFailure OnLoadFailure { get; set; } = ModelLoadFailure.Refuse;

    /// <summary>Obstacle probability at or above which the model reports a hazard (HIGH after Risk.ConfirmMs). Default: the card's
    /// threshold.</summary>
    public double HighProbability { get; set; } = ModelContract.CommittedHighProbability;

    /// <summary>Fog class at or above which the model raises MEDIUM (default moderate: visibility ≤ 500 m, like
    /// Risk.MediumVisibilityM).</summary>
    public FogClass MediumFogClass { get; set; } = FogClass.Moderate;

    /// <summary>
    /// A model HIGH needs evidence in the same window: a sensor's return or radar target within Risk.StoppingDistanceM
    /// plus this margin, m, or a time to collision under Risk.TtcThresholdS. Without it the model raises MEDIUM at most
    /// ("model suspects an obstacle"). The margin covers an obstacle at the zone's edge measured a little long.
    /// </summary>
    public double EvidenceMarginM { get; set; } = 10;

    /// <summary>The model file's full path: <see cref="Path"/> against the executable's folder when relative.</summary>
    public string ResolvedPath => System.IO.Path.IsPathRooted(Path) ? Path : System.IO.Path.Combine(AppContext.BaseDirectory, Path);

    internal void Read(ConfigReader r)
    {
        Enabled = r.Bool("Enabled", Enabled);
        Path = r.String("Path", Path, allowEmpty: false);
        Sha256 = r.String("Sha256", Sha256, allowEmpty: false);
        if (Sha256.Length != 64 || !Sha256.All(Uri.IsHexDigit))
            r.Error("Sha256", $"must be 64 hexadecimal digits (the model card's SHA-256), got '{Sha256}'");
        OnLoadFailure = r.Choice(
            "OnLoadFailure",
            OnLoadFailure,
            ("refuse", ModelLoadFailure.Refuse),
            ("floor-only", ModelLoadFailure.FloorOnly)
        );
        HighProbability = r.Double("HighProbability", HighProbability, 0.001, 1);
        EvidenceMarginM = r.Double("EvidenceMarginM", EvidenceMarginM, 0, 1000);
        MediumFogClass = r.Choice(
            "MediumFogClass",
            MediumFogClass,
            ("shallow", FogClass.Shallow),
            ("moderate", FogClass.Moderate),
            ("dense", FogClass.Dense),
            ("very-dense", FogClass.VeryDense)
        );
    }
}
