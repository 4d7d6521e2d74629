namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The ONNX model. Until the model stage is in this build, it checks only that an enabled model's file is
/// there and readable; the model stage replaces it in SelfTestChecks with a check that loads the model and
/// compares its answer to a known input with the known output.
/// </summary>
public sealed class ModelCheck : ISelfTestCheck
{
    public string Name => "model";

    public Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var m = context.Options.Model;
        if (!m.Enabled) return Task.FromResult(SelfTestResult.Skip(Name, "Model.Enabled is false: the safety floor alone decides"));
        var path = ResolvePath(m.Path);
        if (!File.Exists(path)) return Task.FromResult(SelfTestResult.Fail(Name, $"{path}: not found"));
        try
        {
            using var f = File.OpenRead(path);
            return Task.FromResult(SelfTestResult.Skip(Name, $"{path}: present ({f.Length} bytes); this build has no model stage to run it"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(SelfTestResult.Fail(Name, $"{path}: {e.Message}"));
        }
    }

    /// <summary>Relative model paths are resolved against the executable's folder (ModelOptions).</summary>
    public static string ResolvePath(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
