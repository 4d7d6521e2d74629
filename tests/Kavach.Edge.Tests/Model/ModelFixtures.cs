using System.Globalization;
using System.Text.Json;
using Kavach.Edge.Model;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Model;

/// <summary>Paths of the committed model, its card and evaluation set, and the test fixture models.</summary>
public static class ModelFiles
{
    /// <summary>The model as the daemon finds it: copied next to the executable.</summary>
    public static string Committed => Path.Combine(AppContext.BaseDirectory, "models", "kavach-risk.onnx");
    public static string Card => Path.Combine(Support.Repo.Root, "models", "README.md");
    public static string Metrics => Path.Combine(Support.Repo.Root, "models", "metrics.json");
    public static string HeldOutSmall => Path.Combine(Support.Repo.Root, "models", "eval", "heldout-small.csv");

    public static string Fixture(string name) => Path.Combine(Support.Repo.Root, "tests", "Kavach.Edge.Tests", "Model", "Fixtures", name);

    public static JsonElement ReadMetrics() => JsonDocument.Parse(File.ReadAllText(Metrics)).RootElement;
}

/// <summary>One row of models/eval/heldout-small.csv: features, labels, the floor's view and the exporter's outputs.</summary>
public sealed record EvalRow(
    float[] Features,
    int FogClass,
    double VisibilityM,
    bool ObstaclePresent,
    bool InZone,
    bool Observable,
    bool ObstacleInWindow,
    bool UnitFault,
    bool FloorHazard,
    float[] ExpectedFog,
    float ExpectedVisLog10,
    float ExpectedObstacle
)
{
    public static (string[] Header, List<EvalRow> Rows) Load(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int Col(string n) => Array.IndexOf(header, n) is var i and >= 0 ? i : throw new InvalidOperationException($"column {n} missing");
        var f0 = Col("lidar_present");
        int fog = Col("fog_class"),
            vis = Col("vis_m"),
            present = Col("obstacle_present"),
            zone = Col("obstacle_in_zone"),
            observable = Col("observable_in_zone"),
            window = Col("obstacle_in_window"),
            fault = Col("unit_fault"),
            floor = Col("floor_hazard"),
            p0 = Col("p_clear"),
            pv = Col("p_vis_log10"),
            po = Col("p_obstacle");
        var rows = new List<EvalRow>(lines.Length);
        foreach (var line in lines.Skip(1))
        {
            var c = line.Split(',');
            float F(int i) => float.Parse(c[i], CultureInfo.InvariantCulture);
            rows.Add(
                new EvalRow(
                    Enumerable.Range(f0, FeatureVector.Count).Select(F).ToArray(),
                    int.Parse(c[fog], CultureInfo.InvariantCulture),
                    double.Parse(c[vis], CultureInfo.InvariantCulture),
                    c[present] == "1",
                    c[zone] == "1",
                    c[observable] == "1",
                    c[window] == "1",
                    c[fault] == "1",
                    c[floor] == "1",
                    Enumerable.Range(p0, 5).Select(F).ToArray(),
                    F(pv),
                    F(po)
                )
            );
        }
        return (header, rows);
    }
}

/// <summary>A model that answers what the test sets, or throws.</summary>
public sealed class FakeModel : IRiskModel
{
    public float ObstacleProbability { get; set; }
    public int FogClass { get; set; }
    public float VisibilityLog10 { get; set; } = 4;
    public Exception? Throw { get; set; }
    public bool AnswerNaN { get; set; }
    public int Calls { get; private set; }
    public bool Disposed { get; private set; }

    /// <summary>The training envelope the layer checks (null: none).</summary>
    public ModelEnvelope? Envelope { get; set; }

    public void Predict(ReadOnlySpan<float> features, out ModelOutput output)
    {
        Calls++;
        foreach (var x in features)
            Assert.True(float.IsFinite(x), "a non-finite feature reached the model");
        if (Throw is not null)
            throw Throw;
        output = default;
        output.Fog[FogClass] = 1;
        output.VisibilityLog10 = VisibilityLog10;
        output.ObstacleProbability = AnswerNaN ? float.NaN : ObstacleProbability;
    }

    public void Dispose() => Disposed = true;
}

/// <summary>A logger that keeps (level, message) pairs.</summary>
public sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    )
    {
        lock (Entries)
            Entries.Add((logLevel, formatter(state, exception)));
    }

    public int Count(LogLevel level, string contains)
    {
        lock (Entries)
            return Entries.Count(e => e.Level == level && e.Message.Contains(contains, StringComparison.Ordinal));
    }
}
