using CsCheck;
using Kavach.Edge.Configuration;
using Kavach.Edge.Locomotive;

namespace Kavach.Edge.Tests.Locomotive;

public sealed class StopWithinSightTests
{
    // A train chosen so the hand calculation is exact: t = 5 s, a = 0.5 m/s², so S(v) = 5·v + v² (v in m/s).
    // S = 150 m ⇔ v² + 5v − 150 = 0 ⇔ v = (−5 + √625) / 2 = 10 m/s (36 km/h); S = 500 m ⇔ v = 20 m/s (72 km/h);
    // S = 1050 m ⇔ v = 30 m/s (108 km/h).
    private static readonly BrakingModel Hand = new(
        new TrainOptions
        {
            ReactionTimeS = 5,
            EmergencyDecelerationMps2 = 0.5,
            ServiceDecelerationMps2 = 0.5,
        }
    );

    public static TheoryData<double, double[], double, double, int> Rows() =>
        new()
        {
            // visibility, sensor reaches, expected distance, expected m/s, expected shown km/h
            { 150, [180], 150, 10, 36 }, // dense fog: the visibility limits
            { 1050, [500, 180], 500, 20, 72 }, // clear-ish: the longest-reaching sensor limits
            { 1050, [1200], 1050, 30, 108 },
            { 5000, [150, double.NaN], 150, 10, 36 }, // a NaN reach counts as no sensor
            { 150, [], 0, 0, 0 }, // no working sensor: nothing protects the train
            { 0, [180], 0, 0, 0 },
        };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Matches_the_hand_calculation(double visibility, double[] reaches, double distance, double mps, int kmh)
    {
        var s = StopWithinSight.Compute(Hand, visibility, reaches);
        Assert.Equal(distance, s.DistanceM);
        Assert.Equal(mps, s.SpeedMps, 9);
        Assert.True(Hand.StoppingDistanceM(s.SpeedMps) <= distance);
        Assert.Equal(kmh, s.FloorKmh);
    }

    [Fact]
    public void Default_train_in_dense_fog_of_200_m_may_run_at_33_kmh()
    {
        // 2·200 / (7.2 + √(7.2² + 2·200/0.32)) = 400 / (7.2 + 36.0811) = 9.2419 m/s = 33.27 km/h.
        var s = StopWithinSight.Compute(new BrakingModel(new TrainOptions()), 200, [180, 90]);
        Assert.Equal(180, s.DistanceM);
        Assert.True(s.LimitedByReach);
        var atVisibility = StopWithinSight.Compute(new BrakingModel(new TrainOptions()), 200, [250]);
        Assert.Equal(33.27, atVisibility.SpeedMps * 3.6, 2);
        Assert.Equal(33, atVisibility.FloorKmh);
    }

    [Fact]
    public void The_distance_to_speed_table_in_docs_locomotive_md_is_what_the_default_model_computes()
    {
        var doc = File.ReadAllLines(Path.Combine(Kavach.Edge.Tests.Support.Repo.Root, "docs", "locomotive.md"));
        var head = Array.Find(doc, l => l.StartsWith("| D (m) |", StringComparison.Ordinal));
        var speeds = Array.Find(doc, l => l.StartsWith("| speed (km/h, rounded down) |", StringComparison.Ordinal));
        Assert.NotNull(head);
        Assert.NotNull(speeds);
        static double[] Cells(string row) =>
            row.Trim('|').Split('|').Skip(1).Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var distances = Cells(head);
        var kmh = Cells(speeds);
        Assert.Equal(distances.Length, kmh.Length);
        var model = new BrakingModel(new TrainOptions());
        for (var i = 0; i < distances.Length; i++)
            Assert.Equal(kmh[i], StopWithinSight.Compute(model, distances[i], [distances[i]]).FloorKmh);
    }

    [Fact]
    public void Unknown_visibility_gives_no_speed()
    {
        var s = StopWithinSight.Compute(Hand, double.NaN, [180]);
        Assert.True(double.IsNaN(s.SpeedMps));
    }

    [Fact]
    public void Never_exceeds_the_speed_whose_stopping_distance_is_the_visibility()
    {
        Gen.Select(Gen.Double[0, 15], Gen.Double[0.05, 1.5], Gen.Double[0, 3000], Gen.Double[0, 400].Array[0, 4])
            .Sample(
                (t, a, visibility, reaches) =>
                {
                    var model = new BrakingModel(
                        new TrainOptions
                        {
                            ReactionTimeS = t,
                            EmergencyDecelerationMps2 = a,
                            ServiceDecelerationMps2 = a,
                        }
                    );
                    var s = StopWithinSight.Compute(model, visibility, reaches);
                    var atVisibility = model.SpeedForDistanceMps(visibility);
                    Assert.True(s.SpeedMps <= atVisibility, $"{s.SpeedMps} > {atVisibility}");
                    Assert.True(model.StoppingDistanceM(s.SpeedMps) <= visibility);
                    Assert.True(model.StoppingDistanceM(s.SpeedMps) <= reaches.DefaultIfEmpty(0).Max());
                    Assert.True(s.FloorKmh <= atVisibility * 3.6);
                },
                iter: 3000
            );
    }
}
