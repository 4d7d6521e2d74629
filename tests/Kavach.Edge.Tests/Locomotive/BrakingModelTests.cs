using System.Globalization;
using CsCheck;
using Kavach.Edge.Configuration;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Locomotive;

public sealed class BrakingModelTests
{
    private static readonly BrakingModel Default = new(new TrainOptions());

    [Fact]
    public void Default_train_brakes_from_100_kmh_in_about_1200_m_plus_its_200_m_reaction_distance()
    {
        var v = 100 / 3.6;
        Assert.Equal(200, Default.ReactionDistanceM(v), 6); // 27.78 m/s · 7.2 s
        Assert.Equal(v * v / 0.64, Default.BrakingDistanceM(v), 9); // 1205.6 m
        Assert.InRange(Default.BrakingDistanceM(v), 1195, 1215); // the RDSO "about 1200 m"
        Assert.Equal(1405.6, Default.StoppingDistanceM(v), 1);
        Assert.Equal(200 + v * v / 0.5, Default.StoppingDistanceM(v, BrakeApplication.Service), 9);
    }

    [Fact]
    public void A_falling_gradient_lengthens_the_stop_by_the_gravity_term()
    {
        var model = new BrakingModel(new TrainOptions { GradientPermille = -10 });
        Assert.Equal(0.32 - 0.0980665, model.DecelerationMps2(BrakeApplication.Emergency), 12);
        Assert.True(model.StoppingDistanceM(25) > Default.StoppingDistanceM(25));
        var uphill = new BrakingModel(new TrainOptions { GradientPermille = 10 });
        Assert.True(uphill.StoppingDistanceM(25) < Default.StoppingDistanceM(25));
    }

    [Fact]
    public void The_speed_table_in_docs_locomotive_md_is_what_the_default_model_computes()
    {
        // Rows: | speed (km/h) | reaction distance (m) | emergency braking (m) | S(v) emergency (m) | S(v) full service (m) |
        var doc = File.ReadAllLines(Path.Combine(Repo.Root, "docs", "locomotive.md"));
        var start = Array.FindIndex(doc, l => l.StartsWith("| speed (km/h) | reaction distance", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/locomotive.md has no speed table");
        var rows = doc.Skip(start + 2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.Equal(11, rows.Count); // 30, 40, … 130 km/h
        foreach (var row in rows)
        {
            var cells = row.Trim('|').Split('|').Select(c => double.Parse(c.Trim(), CultureInfo.InvariantCulture)).ToArray();
            var v = cells[0] / 3.6;
            Assert.Equal(cells[1], Math.Round(Default.ReactionDistanceM(v)));
            Assert.Equal(cells[2], Math.Round(Default.BrakingDistanceM(v)));
            Assert.Equal(cells[3], Math.Round(Default.StoppingDistanceM(v)));
            Assert.Equal(cells[4], Math.Round(Default.StoppingDistanceM(v, BrakeApplication.Service)));
        }
    }

    [Fact]
    public void Speed_for_distance_inverts_stopping_distance_and_never_overshoots()
    {
        Gen.Select(Gen.Double[0, 15], Gen.Double[0.05, 1.5], Gen.Double[0, 5000])
            .Sample(
                (t, a, d) =>
                {
                    var model = new BrakingModel(
                        new TrainOptions
                        {
                            ReactionTimeS = t,
                            EmergencyDecelerationMps2 = a,
                            ServiceDecelerationMps2 = a,
                        }
                    );
                    var v = model.SpeedForDistanceMps(d);
                    Assert.True(v >= 0);
                    Assert.True(model.StoppingDistanceM(v) <= d, $"S({v}) = {model.StoppingDistanceM(v)} > {d}");
                    Assert.True(d - model.StoppingDistanceM(v) < 1e-6 * Math.Max(1, d), "the inverse is more than a rounding step short");
                },
                iter: 2000
            );
    }
}
