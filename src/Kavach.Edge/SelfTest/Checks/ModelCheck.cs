using System.Globalization;
using Kavach.Edge.Model;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The ONNX model: loads the configured file with its hash and interface checks (the daemon's own
/// loader), runs one known input — every role absent, a fixed point of the feature space — and compares
/// the answer with the committed model's known output. A custom model (another hash) is loaded and run,
/// but has no known answer to compare with. Its training envelope must sit beside it and be its own (the daemon refuses it otherwise).
/// </summary>
public sealed class ModelCheck : ISelfTestCheck
{
    /// <summary>The committed model's answer to the all-absent input: fog probabilities, log10 visibility, obstacle probability.</summary>
    internal static readonly float[] KnownFog = [KnownAnswer.Fog0, KnownAnswer.Fog1, KnownAnswer.Fog2, KnownAnswer.Fog3, KnownAnswer.Fog4];

    private const float Tolerance = 2e-3f; // the constants are printed to 4 decimals

    public string Name => "model";

    public Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var m = context.Options.Model;
        if (!m.Enabled)
            return Task.FromResult(SelfTestResult.Skip(Name, "Model.Enabled is false: the safety floor alone decides"));
        var path = ResolvePath(m.Path);
        try
        {
            using var model = OnnxRiskModel.Load(path, m.Sha256);
            ModelEnvelope.Load(path, model.Sha256); // throws, naming the envelope, when it is missing or another model's
            var input = new float[FeatureVector.Count]; // every role absent
            model.Predict(input, out var o);
            var answer = string.Create(
                CultureInfo.InvariantCulture,
                $"fog [{o.Fog[0]:0.0000} {o.Fog[1]:0.0000} {o.Fog[2]:0.0000} {o.Fog[3]:0.0000} {o.Fog[4]:0.0000}], log10 visibility {o.VisibilityLog10:0.0000}, obstacle {o.ObstacleProbability:0.0000}"
            );
            if (!string.Equals(m.Sha256, ModelContract.CommittedSha256, StringComparison.OrdinalIgnoreCase))
                return Task.FromResult(SelfTestResult.Pass(Name, $"{path}: loaded (custom model, no known answer): {answer}"));
            var ok =
                Math.Abs(o.VisibilityLog10 - KnownAnswer.VisibilityLog10) <= Tolerance
                && Math.Abs(o.ObstacleProbability - KnownAnswer.ObstacleProbability) <= Tolerance;
            for (var i = 0; i < KnownFog.Length; i++)
                ok &= Math.Abs(o.Fog[i] - KnownFog[i]) <= Tolerance;
            return Task.FromResult(
                ok
                    ? SelfTestResult.Pass(Name, $"{path}: sha256 ok, training envelope ok, known input answered as the card says")
                    : SelfTestResult.Fail(Name, $"{path}: known input answered {answer}; expected the committed model's known output")
            );
        }
        catch (Exception e)
        {
            return Task.FromResult(SelfTestResult.Fail(Name, $"{path}: {e.Message}"));
        }
    }

    /// <summary>Relative model paths are resolved against the executable's folder (ModelOptions).</summary>
    public static string ResolvePath(string path) => Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);

    private static class KnownAnswer
    {
        public const float Fog0 = 0.0952f,
            Fog1 = 0.2311f,
            Fog2 = 0.3711f,
            Fog3 = 0.1155f,
            Fog4 = 0.1871f,
            VisibilityLog10 = 2.2683f,
            ObstacleProbability = 0.0001f;
    }
}
