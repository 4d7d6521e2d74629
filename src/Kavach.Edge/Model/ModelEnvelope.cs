using System.Globalization;
using System.Text.Json;

namespace Kavach.Edge.Model;

/// <summary>
/// The model's training envelope: per input of the <see cref="FeatureVector"/>, the lowest and highest value seen in
/// the windows it was trained on (models/envelope.py writes it beside the model as <c>kavach-risk.envelope.json</c>,
/// tied to the model's SHA-256). A window with an input outside [min − t, max + t], t = <see cref="Tolerance"/> ×
/// (max − min), is one the model never saw: it abstains and the safety floor alone decides. The tolerance absorbs
/// rounding at the edges; an input constant in training (t = 0) must keep its one value. Immutable; thread-safe.
/// </summary>
public sealed class ModelEnvelope
{
    private readonly float[] _lo,
        _hi;

    private ModelEnvelope(string modelSha256, double tolerance, float[] min, float[] max)
    {
        ModelSha256 = modelSha256;
        Tolerance = tolerance;
        Min = min;
        Max = max;
        _lo = new float[min.Length];
        _hi = new float[min.Length];
        for (var i = 0; i < min.Length; i++)
        {
            var t = (float)(tolerance * (max[i] - min[i]));
            _lo[i] = min[i] - t - 1e-6f;
            _hi[i] = max[i] + t + 1e-6f;
        }
    }

    /// <summary>SHA-256 of the model the envelope was measured for.</summary>
    public string ModelSha256 { get; }

    /// <summary>Fraction of each input's training span allowed beyond its edges.</summary>
    public double Tolerance { get; }

    /// <summary>Lowest training value per input, in <see cref="FeatureVector.Names"/> order.</summary>
    public IReadOnlyList<float> Min { get; }

    /// <summary>Highest training value per input.</summary>
    public IReadOnlyList<float> Max { get; }

    /// <summary>The envelope file of the model at <paramref name="modelPath"/>: <c>NAME.envelope.json</c> beside
    /// <c>NAME.onnx</c>.</summary>
    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, ".envelope.json");

    /// <summary>Index of the first input of <paramref name="x"/> outside the envelope, or −1 when every input is inside.</summary>
    public int FirstOutside(ReadOnlySpan<float> x)
    {
        for (var i = 0; i < _lo.Length; i++)
            if (!(x[i] >= _lo[i] && x[i] <= _hi[i]))
                return i;
        return -1;
    }

    /// <summary>"lidar_nearest_m = 1.7 outside training range [0, 1.64]" for input <paramref name="i"/> at
    /// <paramref name="value"/>.</summary>
    public string Describe(int i, float value) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{FeatureVector.Names[i]} = {value:0.###} outside training range [{Min[i]:0.###}, {Max[i]:0.###}]"
        );

    /// <summary>
    /// Reads the envelope of the model at <paramref name="modelPath"/> whose SHA-256 is <paramref name="modelSha256"/>.
    /// Throws <see cref="ModelLoadException"/> naming the file when it is missing, unreadable, not the
    /// <see cref="FeatureVector"/>'s inputs in order, or measured for another model.
    /// </summary>
    public static ModelEnvelope Load(string modelPath, string modelSha256)
    {
        var path = PathFor(modelPath);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ModelLoadException(
                $"model {modelPath}: its training envelope {path} cannot be read ({e.Message}); models/train.sh writes it with the model",
                e
            );
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var sha = root.GetProperty("modelSha256").GetString() ?? "";
            if (!string.Equals(sha, modelSha256, StringComparison.OrdinalIgnoreCase))
                throw new ModelLoadException(
                    $"model {modelPath}: training envelope {path} was measured for model {sha}, not this one ({modelSha256})"
                );
            var tolerance = root.GetProperty("tolerance").GetDouble();
            if (!(tolerance >= 0 && tolerance <= 1))
                throw new ModelLoadException($"model {modelPath}: training envelope {path}: tolerance must be 0..1, got {tolerance}");
            var inputs = root.GetProperty("inputs");
            if (inputs.GetArrayLength() != FeatureVector.Count)
                throw new ModelLoadException(
                    $"model {modelPath}: training envelope {path} has {inputs.GetArrayLength()} inputs, expected {FeatureVector.Count}"
                );
            var min = new float[FeatureVector.Count];
            var max = new float[FeatureVector.Count];
            var i = 0;
            foreach (var input in inputs.EnumerateArray())
            {
                var name = input.GetProperty("name").GetString();
                if (name != FeatureVector.Names[i])
                    throw new ModelLoadException(
                        $"model {modelPath}: training envelope {path}: input {i} is '{name}', expected '{FeatureVector.Names[i]}'"
                    );
                min[i] = input.GetProperty("min").GetSingle();
                max[i] = input.GetProperty("max").GetSingle();
                if (!(min[i] <= max[i]))
                    throw new ModelLoadException(
                        $"model {modelPath}: training envelope {path}: {name} has min {min[i]} above max {max[i]}"
                    );
                i++;
            }
            return new ModelEnvelope(sha.ToLowerInvariant(), tolerance, min, max);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException($"model {modelPath}: training envelope {path} is not valid: {e.Message}", e);
        }
    }
}
