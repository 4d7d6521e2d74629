using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Kavach.Edge.Configuration;
using Kavach.Edge.Model;

namespace Kavach.Edge.Tests.Model;

/// <summary>The committed model is the card's: hash, interface, and the answers the exporter computed.</summary>
public partial class CommittedModelTests
{
    [GeneratedRegex(@"sha256:\s*`([0-9a-f]{64})`")]
    private static partial Regex CardSha();

    [GeneratedRegex(@"HighProbability.*?`([0-9.]+)`")]
    private static partial Regex CardThreshold();

    [Fact]
    public void Committed_model_hash_matches_the_card_and_the_default()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ModelFiles.Committed)));
        var card = File.ReadAllText(ModelFiles.Card);
        Assert.Equal(sha, CardSha().Match(card).Groups[1].Value);
        Assert.Equal(ModelContract.CommittedSha256, sha);
        Assert.Equal(sha, new ModelOptions().Sha256);
        Assert.Equal(sha, ModelFiles.ReadMetrics().GetProperty("sha256").GetString());
        // the repository's copy and the one next to the executable are the same file
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(Support.Repo.Root, "models", "kavach-risk.onnx")),
            File.ReadAllBytes(ModelFiles.Committed)
        );
    }

    [Fact]
    public void Card_threshold_is_the_default()
    {
        var metrics = ModelFiles.ReadMetrics().GetProperty("high_probability").GetDouble();
        Assert.Equal(ModelContract.CommittedHighProbability, Math.Round(metrics, 4), 4);
        Assert.Equal(
            ModelContract.CommittedHighProbability,
            double.Parse(
                CardThreshold().Match(File.ReadAllText(ModelFiles.Card)).Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture
            ),
            4
        );
    }

    [Fact]
    public void Committed_model_loads_with_the_hash_check_and_the_check_refuses_any_other()
    {
        using (OnnxRiskModel.Load(ModelFiles.Committed, ModelContract.CommittedSha256)) { }
        // a different expected hash is refused, naming both
        var wrong = (ModelContract.CommittedSha256[0] == '0' ? "1" : "0") + ModelContract.CommittedSha256[1..];
        var e = Assert.Throws<ModelLoadException>(() => OnnxRiskModel.Load(ModelFiles.Committed, wrong));
        Assert.Contains(
            $"SHA-256 {ModelContract.CommittedSha256} does not match Model.Sha256 {wrong}",
            e.Message,
            StringComparison.Ordinal
        );
        // and so is the committed hash on a file one byte away from the committed model
        using var dir = Support.Repo.NewTempDir();
        var bytes = File.ReadAllBytes(ModelFiles.Committed);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(dir.File("tampered.onnx"), bytes);
        Assert.Throws<ModelLoadException>(() => OnnxRiskModel.Load(dir.File("tampered.onnx"), ModelContract.CommittedSha256));
    }

    [Fact]
    public void Evaluation_set_columns_are_the_feature_vector()
    {
        var (header, _) = EvalRow.Load(ModelFiles.HeldOutSmall);
        var start = Array.IndexOf(header, "lidar_present");
        Assert.Equal(FeatureVector.Names, header.Skip(start).Take(FeatureVector.Count));
        Assert.Equal(FeatureVector.Count, FeatureVector.Names.Length);
    }

    [Fact]
    public void Answers_known_inputs_as_the_exporter_computed()
    {
        var (_, rows) = EvalRow.Load(ModelFiles.HeldOutSmall);
        using var m = OnnxRiskModel.Load(ModelFiles.Committed, ModelContract.CommittedSha256);
        foreach (var r in rows.Take(500))
        {
            m.Predict(r.Features, out var o);
            for (var i = 0; i < 5; i++)
                Assert.Equal(r.ExpectedFog[i], o.Fog[i], 1e-3f);
            Assert.Equal(r.ExpectedVisLog10, o.VisibilityLog10, 1e-3f);
            Assert.Equal(r.ExpectedObstacle, o.ObstacleProbability, 1e-3f);
        }
    }

    [Fact]
    public void Prediction_allocates_nothing()
    {
        using var m = OnnxRiskModel.Load(ModelFiles.Committed, null);
        var x = new float[FeatureVector.Count];
        for (var i = 0; i < 100; i++)
            m.Predict(x, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            m.Predict(x, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
