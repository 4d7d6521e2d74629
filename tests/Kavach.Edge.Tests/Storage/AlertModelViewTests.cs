using System.Text.Json;
using Kavach.Edge.Assessment;
using Kavach.Edge.Model;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Storage;

/// <summary>The alert carries both views: the floor's and the model's (probability, fog class, visibility, abstained), as the schema
/// says.</summary>
public class AlertModelViewTests
{
    private static readonly string Schema = Path.Combine(Repo.Root, "docs", "schemas", "alert.schema.json");
    private static readonly AlertContext Context = new(
        "lc-47-east",
        "0.1.0",
        "3f9c1e07a2b4d658",
        true,
        false,
        [new AlertSensor("lidar", "lidar", "live", 0.01)]
    );

    private static JsonElement Alert(ModelView? model)
    {
        var state = new RiskState
        {
            Change = 7,
            Level = RiskLevel.High,
            Previous = RiskLevel.Low,
            Utc = DateTimeOffset.UnixEpoch,
            Reasons = ["model: obstacle inside 150 m, probability 0.97"],
            RaisedBy = "model",
            Floor = new FloorAssessment { Level = RiskLevel.Low, Reasons = ["nothing detected"] },
            Model = model,
        };
        var json = AlertJson.Alert(state, Guid.CreateVersion7(), "0123456789abcdef", 42, "LOW", Context);
        var errors = SchemaCheck.Validate(Schema, json);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + json);
        return JsonDocument.Parse(json).RootElement;
    }

    [Fact]
    public void An_answering_model_shows_its_probability_fog_class_and_visibility()
    {
        var m = Alert(
                new ModelView
                {
                    Hazard = true,
                    ObstacleProbability = 0.97312,
                    FogClass = FogClass.Dense,
                    FogProbability = 0.8,
                    VisibilityM = 164.24,
                }
            )
            .GetProperty("model");
        Assert.Equal("HIGH", m.GetProperty("level").GetString());
        Assert.Equal(0.9731, m.GetProperty("obstacleProbability").GetDouble());
        Assert.Equal("dense", m.GetProperty("fogClass").GetString());
        Assert.Equal(164.24, m.GetProperty("visibilityM").GetDouble());
        Assert.Equal(JsonValueKind.Null, m.GetProperty("abstained").ValueKind);
    }

    [Fact]
    public void An_abstaining_model_says_why_and_nothing_else()
    {
        const string why = "model abstains: lidar_strength_margin = 1.48 outside training range [0, 0.894]";
        var m = Alert(new ModelView { Abstained = why, ObstacleProbability = double.NaN }).GetProperty("model");
        Assert.Equal("LOW", m.GetProperty("level").GetString());
        Assert.Equal(why, m.GetProperty("abstained").GetString());
        Assert.Equal(JsonValueKind.Null, m.GetProperty("obstacleProbability").ValueKind);
        Assert.Equal(JsonValueKind.Null, m.GetProperty("visibilityM").ValueKind);
        Assert.Equal("unknown", m.GetProperty("fogClass").GetString());
    }

    [Fact]
    public void No_model_no_model_view_and_the_documented_example_is_valid()
    {
        Assert.False(Alert(null).TryGetProperty("model", out _));
        var example = File.ReadAllText(Path.Combine(Repo.Root, "docs", "examples", "alert.json"));
        Assert.Empty(SchemaCheck.Validate(Schema, example));
        Assert.True(JsonDocument.Parse(example).RootElement.TryGetProperty("model", out _));
    }
}
