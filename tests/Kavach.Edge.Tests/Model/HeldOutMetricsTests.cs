using System.Text.Json;
using Kavach.Edge.Model;

namespace Kavach.Edge.Tests.Model;

/// <summary>
/// The card's held-out figures, recomputed through ONNX Runtime from the committed evaluation set
/// (models/eval/heldout-small.csv: every k-th window of the held-out split, never used in training).
/// </summary>
public class HeldOutMetricsTests
{
    private sealed record Counts(
        double FogAccuracy,
        double RecallObservable,
        double FalseAlarmClear,
        double FloorRecallObservable,
        double FusedRecallObservable,
        double FusedFalseAlarmClear,
        int Positives,
        int Negatives
    );

    private static Counts Recompute()
    {
        var (_, rows) = EvalRow.Load(ModelFiles.HeldOutSmall);
        using var m = OnnxRiskModel.Load(ModelFiles.Committed, ModelContract.CommittedSha256);
        int fogOk = 0,
            pos = 0,
            hit = 0,
            floorHit = 0,
            fusedHit = 0,
            neg = 0,
            fa = 0,
            fusedFa = 0;
        foreach (var r in rows)
        {
            m.Predict(r.Features, out var o);
            var best = 0;
            for (var i = 1; i < 5; i++)
                if (o.Fog[i] > o.Fog[best])
                    best = i;
            if (best == r.FogClass)
                fogOk++;
            var alarm = o.ObstacleProbability >= ModelContract.CommittedHighProbability;
            if (r.Observable && !r.UnitFault)
            {
                pos++;
                if (alarm)
                    hit++;
                if (r.FloorHazard)
                    floorHit++;
                if (alarm || r.FloorHazard)
                    fusedHit++;
            }
            if (r.VisibilityM > 1000 && !r.ObstacleInWindow)
            {
                neg++;
                if (alarm)
                    fa++;
                if (alarm || r.FloorHazard)
                    fusedFa++;
            }
        }
        return new Counts(
            fogOk / (double)rows.Count,
            hit / (double)pos,
            fa / (double)neg,
            floorHit / (double)pos,
            fusedHit / (double)pos,
            fusedFa / (double)neg,
            pos,
            neg
        );
    }

    private static readonly Lazy<Counts> Measured = new(Recompute);

    private static JsonElement Card => ModelFiles.ReadMetrics().GetProperty("heldout_small");

    [Fact]
    public void Evaluation_set_is_big_enough_to_mean_something()
    {
        Assert.True(Measured.Value.Positives >= 900, $"{Measured.Value.Positives} observable in-zone windows");
        Assert.True(Measured.Value.Negatives >= 300, $"{Measured.Value.Negatives} clear, empty windows");
    }

    [Fact]
    public void Fog_accuracy_matches_the_card()
    {
        Assert.Equal(Card.GetProperty("fog_accuracy").GetDouble(), Measured.Value.FogAccuracy, 0.005);
    }

    [Fact]
    public void Obstacle_recall_and_false_alarms_match_the_card()
    {
        var c = Card;
        Assert.Equal(c.GetProperty("recall_observable_model").GetDouble(), Measured.Value.RecallObservable, 0.005);
        Assert.Equal(c.GetProperty("false_alarm_clear_model").GetDouble(), Measured.Value.FalseAlarmClear, 0.005);
        Assert.Equal(c.GetProperty("recall_observable_floor").GetDouble(), Measured.Value.FloorRecallObservable, 1e-9);
        Assert.Equal(c.GetProperty("recall_observable_fused").GetDouble(), Measured.Value.FusedRecallObservable, 0.005);
        Assert.Equal(c.GetProperty("false_alarm_clear_fused").GetDouble(), Measured.Value.FusedFalseAlarmClear, 0.005);
    }

    [Fact]
    public void The_model_never_makes_the_fused_layer_miss_what_the_floor_caught()
    {
        // max(floor, model): by construction the fused recall is at least the floor's
        Assert.True(Measured.Value.FusedRecallObservable >= Measured.Value.FloorRecallObservable);
    }

    [Fact]
    public void False_alarm_target_holds_and_the_model_adds_recall_to_the_floor()
    {
        // The card's targets on this subset: ≤ 2 % false alarms in clear, empty windows (model alone and fused),
        // and the model adding recall to the floor. Recall ≥ 99 % is NOT met by the model alone on the held-out
        // set (the card says so); the recall the card states is checked above.
        Assert.True(Measured.Value.FalseAlarmClear <= 0.02, $"model false alarms {Measured.Value.FalseAlarmClear:P2}");
        Assert.True(Measured.Value.FusedFalseAlarmClear <= 0.02, $"fused false alarms {Measured.Value.FusedFalseAlarmClear:P2}");
        Assert.True(
            Measured.Value.FusedRecallObservable > Measured.Value.FloorRecallObservable + 0.005,
            $"fused {Measured.Value.FusedRecallObservable:P2} against the floor's {Measured.Value.FloorRecallObservable:P2}"
        );
    }
}
