using System.Diagnostics;
using Kavach.Edge.Configuration;
using Kavach.Edge.Model;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Model;

/// <summary>A model file that cannot be used is refused with a clear message (the daemon exits 2), or floor-only.</summary>
public class ModelLoadTests
{
    [Fact]
    public void Corrupt_file_is_refused()
    {
        using var dir = Repo.NewTempDir();
        var path = dir.File("corrupt.onnx");
        var bytes = File.ReadAllBytes(ModelFiles.Committed);
        Array.Resize(ref bytes, bytes.Length / 3);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ModelLoadException>(() => OnnxRiskModel.Load(path, null));
        Assert.Contains("not a loadable ONNX model", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Wrong_shape_is_refused_naming_the_input()
    {
        var e = Assert.Throws<ModelLoadException>(() => OnnxRiskModel.Load(ModelFiles.Fixture("wrong-shape.onnx"), null));
        Assert.Contains("does not match the model card", e.Message);
        Assert.Contains($"features has shape [-1, 10], expected [batch, {FeatureVector.Count}]", e.Message);
    }

    [Fact]
    public void Wrong_hash_is_refused()
    {
        var e = Assert.Throws<ModelLoadException>(() => OnnxRiskModel.Load(ModelFiles.Committed, new string('a', 64)));
        Assert.Contains("does not match Model.Sha256", e.Message);
    }

    [Fact]
    public void Missing_file_is_refused()
    {
        var e = Assert.Throws<ModelLoadException>(() => OnnxRiskModel.Load("/nonexistent/kavach-risk.onnx", null));
        Assert.Contains("cannot read the file", e.Message);
    }

    [Fact]
    public void Floor_only_runs_without_the_model_and_says_so()
    {
        var o = TestConfig.Valid(
            overrides: new Dictionary<string, string?>
            {
                ["Model:Path"] = ModelFiles.Fixture("wrong-shape.onnx"),
                ["Model:Sha256"] = Sha(ModelFiles.Fixture("wrong-shape.onnx")),
                ["Model:OnLoadFailure"] = "floor-only",
            }
        );
        var (model, state, reason) = ModelLayer.Load(o.Model);
        Assert.Null(model);
        Assert.Equal(ModelState.FloorOnly, state);
        Assert.Contains("does not match the model card", reason);
        var log = new ListLogger();
        using var layer = new ModelLayer(o, model, log, state, reason);
        Assert.Equal(ModelState.FloorOnly, layer.Health.State);
        Assert.Equal(1, log.Count(Microsoft.Extensions.Logging.LogLevel.Error, "safety floor alone"));
    }

    [Fact]
    public void Disabled_model_is_reported_in_health()
    {
        var o = TestConfig.Valid(overrides: new Dictionary<string, string?> { ["Model:Enabled"] = "false" });
        var (model, state, reason) = ModelLayer.Load(o.Model);
        using var layer = new ModelLayer(o, model, new ListLogger(), state, reason);
        Assert.Equal(ModelState.Disabled, layer.Health.State);
    }

    [Theory]
    [InlineData("corrupt", "not a loadable ONNX model")]
    [InlineData("wrong-shape", "does not match the model card")]
    [InlineData("wrong-hash", "does not match Model.Sha256")]
    public async Task Daemon_refuses_to_start_with_exit_code_2(string kind, string expected)
    {
        using var dir = Repo.NewTempDir();
        string path = ModelFiles.Committed,
            sha = ModelContract.CommittedSha256;
        switch (kind)
        {
            case "corrupt":
                path = dir.File("corrupt.onnx");
                await File.WriteAllTextAsync(path, "this is not a model");
                sha = Sha(path); // the hash matches: the content is what is refused
                break;
            case "wrong-shape":
                path = ModelFiles.Fixture("wrong-shape.onnx");
                sha = Sha(path);
                break;
            default:
                sha = new string('b', 64);
                break;
        }
        var config = dir.File("kavach.json");
        await File.WriteAllTextAsync(
            config,
            TestConfig.Minimal.TrimEnd().TrimEnd('}')
                + $$""", "Storage": { "Path": "{{dir.File("k.db")}}" }, "Model": { "Path": "{{path}}", "Sha256": "{{sha}}" } }"""
        );
        var psi = new ProcessStartInfo("dotnet", [Repo.DaemonDll, "run", "--config", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        var err = await stderr;
        _ = await stdout;
        Assert.True(p.ExitCode == 2, $"exit {p.ExitCode}: {err}");
        Assert.Contains(expected, err);
        Assert.Contains("floor-only", err);
    }

    private static string Sha(string path) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Model_keys_are_validated_one_line_each()
    {
        var (_, errors) = TestConfig.Bind(
            TestConfig.Minimal,
            new Dictionary<string, string?>
            {
                ["Model:Sha256"] = "xyz",
                ["Model:OnLoadFailure"] = "ignore",
                ["Model:HighProbability"] = "2",
                ["Model:MediumFogClass"] = "foggy",
                ["Model:Threshold"] = "0.5",
            }
        );
        Assert.Contains(errors, e => e.StartsWith("Model.Sha256: must be 64 hexadecimal digits", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Model.OnLoadFailure: must be one of refuse, floor-only", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Model.HighProbability: must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Model.MediumFogClass: must be one of", StringComparison.Ordinal));
        Assert.Contains("Model.Threshold: unknown key", errors);
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Defaults_resolve_the_committed_model_next_to_the_executable()
    {
        var o = new ModelOptions();
        Assert.True(o.Enabled);
        Assert.Equal(ModelFiles.Committed, o.ResolvedPath);
        Assert.Equal(ModelLoadFailure.Refuse, o.OnLoadFailure);
    }
}
