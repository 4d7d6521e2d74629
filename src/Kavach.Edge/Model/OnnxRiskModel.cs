using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Kavach.Edge.Model;

/// <summary>
/// The ONNX model on ONNX Runtime: one session for the daemon's life, one intra-op thread, sequential
/// execution, and input/output OrtValues over preallocated (pinned) managed arrays bound once with an
/// IoBinding, so a prediction allocates nothing. <see cref="Load"/> reads the file once, checks its SHA-256, creates the session from those
/// very bytes and checks the names, types and shapes against <see cref="ModelContract"/>.
/// Not thread-safe (the pipeline's tick loop is its only caller). Dispose releases the native session.
/// </summary>
public sealed class OnnxRiskModel : IRiskModel
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly float[] _input = new float[FeatureVector.Count];
    private readonly float[] _fog = new float[ModelContract.FogClasses];
    private readonly float[] _vis = new float[1];
    private readonly float[] _obstacle = new float[1];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly OrtIoBinding _binding;

    private OnnxRiskModel(InferenceSession session, string sha256)
    {
        _session = session;
        Sha256 = sha256;
        _inputs = [OrtValue.CreateTensorValueFromMemory(_input, [1, FeatureVector.Count])];
        _outputs =
        [
            OrtValue.CreateTensorValueFromMemory(_fog, [1, ModelContract.FogClasses]),
            OrtValue.CreateTensorValueFromMemory(_vis, [1, 1]),
            OrtValue.CreateTensorValueFromMemory(_obstacle, [1, 1]),
        ];
        _binding = session.CreateIoBinding();
        _binding.BindInput(ModelContract.Input, _inputs[0]);
        _binding.BindOutput(ModelContract.FogProbs, _outputs[0]);
        _binding.BindOutput(ModelContract.VisibilityLog10, _outputs[1]);
        _binding.BindOutput(ModelContract.ObstacleProb, _outputs[2]);
    }

    /// <summary>SHA-256 of the loaded file, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>The training envelope read beside the file (<see cref="ModelLayer.Load"/> sets it), or null.</summary>
    public ModelEnvelope? Envelope { get; internal set; }

    /// <summary>
    /// Loads <paramref name="path"/>. <paramref name="expectedSha256"/> (hex) must match the file unless null.
    /// Throws <see cref="ModelLoadException"/> with a message naming the file and the problem.
    /// </summary>
    public static OnnxRiskModel Load(string path, string? expectedSha256)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ModelLoadException($"model {path}: cannot read the file: {e.Message}", e);
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (expectedSha256 is not null && !string.Equals(sha, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new ModelLoadException(
                $"model {path}: SHA-256 {sha} does not match Model.Sha256 {expectedSha256.ToLowerInvariant()} (the model card's value); refusing an unexpected model"
            );

        InferenceSession session;
        var so = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            session = new InferenceSession(bytes, so);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"model {path}: not a loadable ONNX model: {e.Message}", e);
        }
        finally
        {
            so.Dispose();
        }
        try
        {
            CheckContract(session, path);
            return new OnnxRiskModel(session, sha);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void CheckContract(InferenceSession session, string path)
    {
        var problems = new List<string>();
        if (session.InputMetadata.Count != 1 || !session.InputMetadata.TryGetValue(ModelContract.Input, out var input))
            problems.Add($"inputs are [{string.Join(", ", session.InputMetadata.Keys)}], expected [{ModelContract.Input}]");
        else
            CheckTensor(ModelContract.Input, input, FeatureVector.Count, problems);
        foreach (var (name, width) in ModelContract.Outputs)
        {
            if (!session.OutputMetadata.TryGetValue(name, out var output))
                problems.Add($"output {name} is missing (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
            else
                CheckTensor(name, output, width, problems);
        }
        if (problems.Count > 0)
            throw new ModelLoadException($"model {path}: does not match the model card (models/README.md): {string.Join("; ", problems)}");
    }

    private static void CheckTensor(string name, NodeMetadata m, int width, List<string> problems)
    {
        if (!m.IsTensor || m.ElementDataType != TensorElementType.Float)
        {
            problems.Add($"{name} must be a float32 tensor");
            return;
        }
        var d = m.Dimensions;
        if (d.Length != 2 || (d[0] != -1 && d[0] != 1) || d[1] != width)
            problems.Add($"{name} has shape [{string.Join(", ", d)}], expected [batch, {width}]");
    }

    public void Predict(ReadOnlySpan<float> features, out ModelOutput output)
    {
        features[..FeatureVector.Count].CopyTo(_input);
        _session.RunWithBinding(_run, _binding);
        output = default;
        for (var i = 0; i < ModelContract.FogClasses; i++)
            output.Fog[i] = _fog[i];
        output.VisibilityLog10 = _vis[0];
        output.ObstacleProbability = _obstacle[0];
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var v in _inputs)
            v.Dispose();
        foreach (var v in _outputs)
            v.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
