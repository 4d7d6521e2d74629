using System.Text.Json;
using System.Text.Json.Nodes;
using Kavach.Edge.Configuration;
using Kavach.Edge.Model;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Model;

/// <summary>The training envelope travels with the model, belongs to it, and covers the windows the model was trained like.</summary>
public class ModelEnvelopeTests
{
    [Fact]
    public void The_committed_envelope_is_the_committed_model_s_and_names_every_input()
    {
        var (model, state, _) = ModelLayer.Load(new ModelOptions());
        using var m = model!;
        Assert.Equal(ModelState.Running, state);
        var e = m.Envelope!;
        Assert.Equal(ModelContract.CommittedSha256, e.ModelSha256);
        Assert.Equal(FeatureVector.Count, e.Min.Count);
        Assert.Equal(0.05, e.Tolerance);
        // the repository's copy is the one beside the executable, and each input says what it means
        Assert.Equal(
            File.ReadAllText(Path.Combine(Repo.Root, "models", "kavach-risk.envelope.json")),
            File.ReadAllText(ModelEnvelope.PathFor(ModelFiles.Committed))
        );
        var doc = JsonNode.Parse(File.ReadAllText(ModelEnvelope.PathFor(ModelFiles.Committed)))!;
        Assert.All(doc["inputs"]!.AsArray(), i => Assert.False(string.IsNullOrWhiteSpace(i!["meaning"]!.GetValue<string>())));
    }

    [Fact]
    public void Every_held_out_window_drawn_with_the_training_sensors_lies_inside_the_envelope()
    {
        using var m = OnnxRiskModel.Load(ModelFiles.Committed, null);
        var e = ModelEnvelope.Load(ModelFiles.Committed, m.Sha256);
        var lines = File.ReadAllLines(ModelFiles.HeldOutSmall);
        var header = lines[0].Split(',');
        var heldout = Array.IndexOf(header, "heldout_sensors");
        var (_, rows) = EvalRow.Load(ModelFiles.HeldOutSmall);
        int seen = 0,
            outside = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (lines[i + 1].Split(',')[heldout] != "0")
                continue;
            seen++;
            if (e.FirstOutside(rows[i].Features) >= 0)
                outside++;
        }
        Assert.True(seen > 1000);
        Assert.Equal(0, outside);
    }

    [Theory]
    [InlineData("missing", "cannot be read")]
    [InlineData("other-model", "was measured for model")]
    [InlineData("renamed-input", "input 3 is 'nearest_m', expected 'lidar_nearest_m'")]
    [InlineData("not-json", "is not valid")]
    public void A_model_without_its_own_envelope_is_refused(string kind, string expected)
    {
        using var dir = Repo.NewTempDir();
        var model = dir.File("kavach-risk.onnx");
        File.Copy(ModelFiles.Committed, model);
        var text = File.ReadAllText(ModelEnvelope.PathFor(ModelFiles.Committed));
        var doc = JsonNode.Parse(text)!;
        switch (kind)
        {
            case "other-model":
                doc["modelSha256"] = new string('a', 64);
                break;
            case "renamed-input":
                doc["inputs"]![3]!["name"] = "nearest_m";
                break;
        }
        if (kind == "not-json")
            File.WriteAllText(ModelEnvelope.PathFor(model), "{ not json");
        else if (kind != "missing")
            File.WriteAllText(ModelEnvelope.PathFor(model), doc.ToJsonString());
        var e = Assert.Throws<ModelLoadException>(() => ModelLayer.Load(new ModelOptions { Path = model }));
        Assert.Contains(expected, e.Message);
        Assert.Contains(model, e.Message);
        // floor-only runs on without it, and says why
        var (none, state, reason) = ModelLayer.Load(new ModelOptions { Path = model, OnLoadFailure = ModelLoadFailure.FloorOnly });
        Assert.Null(none);
        Assert.Equal(ModelState.FloorOnly, state);
        Assert.Contains(expected, reason);
    }
}
