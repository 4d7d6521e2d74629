namespace Kavach.Edge.Configuration;

/// <summary><c>Model</c> section: the on-device ONNX model layered on the safety floor (it may raise the level, never lower it).</summary>
public sealed class ModelOptions
{
    /// <summary>Run the model. When false the deterministic safety floor alone decides (and health says so).</summary>
    public bool Enabled { get; set; }

    /// <summary>The .onnx file (relative paths are resolved against the executable's folder).</summary>
    public string Path { get; set; } = "models/kavach-risk.onnx";

    internal void Read(ConfigReader r)
    {
        Enabled = r.Bool("Enabled", Enabled);
        Path = r.String("Path", Path, allowEmpty: false);
    }
}
