using System.Globalization;
using System.Text;
using Kavach.Edge.Assessment;
using Kavach.Edge.Model;

namespace Kavach.ModelData;

/// <summary>
/// `kavach-modeldata --out DIR [--episodes TRAIN,VAL,TEST] [--seed N] [--scenario NAME]` (or `--floor-eval`: the safety floor alone,
/// FloorEvaluation): writes train.csv, val.csv, test-dev.csv and test.csv (one row per fusion window) for models/train.py. Deterministic
/// for a seed; the splits use different seeds, and the test split different scenario families and sensor variations.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string? outDir = null;
        int[] counts = [900, 150, 300];
        ulong seed = 20260401;
        string? scenario = null;
        var floorEval = false; // the safety floor alone on the generated episodes (FloorEvaluation)
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    outDir = args[++i];
                    break;
                case "--episodes" when i + 1 < args.Length:
                    counts = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--seed" when i + 1 < args.Length:
                    seed = ulong.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--scenario" when i + 1 < args.Length:
                    scenario = args[++i];
                    break;
                case "--floor-eval":
                    floorEval = true;
                    break;
                default:
                    Console.Error.WriteLine(
                        "usage: kavach-modeldata --out DIR [--episodes TRAIN,VAL,TEST] [--seed N] [--scenario NAME] | --floor-eval [--seed N]"
                    );
                    return 2;
            }
        }
        if (floorEval)
            return FloorEvaluation.Run(seed);
        if (outDir is null || counts.Length != 3)
        {
            Console.Error.WriteLine(
                "usage: kavach-modeldata --out DIR [--episodes TRAIN,VAL,TEST] [--seed N] [--scenario NAME] | --floor-eval [--seed N]"
            );
            return 2;
        }
        Directory.CreateDirectory(outDir);
        if (scenario is not null)
        {
            // a built-in scenario's windows, for checking the model on it (models/README.md)
            var s = Kavach.Simulation.Scenario.BuiltIn(scenario);
            WriteEpisodes(
                Path.Combine(outDir, scenario + ".csv"),
                Split.Test,
                [(new Episode(s, scenario, false, "", ""), EpisodeRunner.Run(new Episode(s, scenario, false, "", "")))]
            );
            return 0;
        }
        // each split its own seed: no episode of one split can repeat another's noise. The held-out set of
        // seed + 2 was studied while model v2 was designed (its misses led to the reach fix and the far-cluster
        // and near-target features), so it is kept only as "test-dev"; the card's held-out figures come from
        // seed + 3, generated once after that design was frozen.
        Write(Path.Combine(outDir, "train.csv"), Split.Train, counts[0], seed);
        Write(Path.Combine(outDir, "val.csv"), Split.Val, counts[1], seed + 1);
        Write(Path.Combine(outDir, "test-dev.csv"), Split.Test, counts[2], seed + 2);
        Write(Path.Combine(outDir, "test.csv"), Split.Test, counts[2], seed + 3);
        return 0;
    }

    private static void Write(string path, Split split, int episodes, ulong seed)
    {
        var results = new (Episode Episode, List<Row> Rows)[episodes];
        Parallel.For(0, episodes, i =>
        {
            var e = EpisodeFactory.Create(split, i, seed);
            results[i] = (e, EpisodeRunner.Run(e));
        });
        WriteEpisodes(path, split, results);
    }

    private static void WriteEpisodes(string path, Split split, (Episode Episode, List<Row> Rows)[] results)
    {
        var episodes = results.Length;
        var inv = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.Write("split,family,episode,heldout_sensors,lidar_variant,radar_variant,n_sensors,t_s,");
        w.Write(string.Join(',', FeatureVector.Names));
        w.WriteLine(
            ",vis_m,fog_class,obstacle_present,obstacle_range_m,closing_mps,obstacle_in_zone,observable_in_zone,at_reference,obstacle_in_window,unit_fault,floor_level,floor_vis_m,floor_hazard"
        );
        var rows = 0;
        for (var i = 0; i < episodes; i++)
        {
            var (e, list) = results[i];
            var head = string.Create(
                inv,
                $"{split.ToString().ToLowerInvariant()},{e.Family},{i},{(e.HeldOutSensors ? 1 : 0)},{e.LidarVariant},{e.RadarVariant},{e.Scenario.Sensors.Count}"
            );
            var sb = new StringBuilder(512);
            foreach (var r in list)
            {
                sb.Clear().Append(head).Append(',').Append(r.TimeS.ToString("0.0", inv));
                foreach (var f in r.Features)
                    sb.Append(',').Append(f.ToString("G7", inv));
                var inZone = r.ObstaclePresent && r.ObstacleRangeM <= EpisodeFactory.StoppingDistanceM;
                sb.Append(',')
                    .Append(r.VisibilityM.ToString("0.###", inv))
                    .Append(',')
                    .Append((int)FogClasses.FromVisibility(r.VisibilityM))
                    .Append(',')
                    .Append(r.ObstaclePresent ? 1 : 0)
                    .Append(',')
                    .Append(r.ObstaclePresent ? r.ObstacleRangeM.ToString("0.###", inv) : "")
                    .Append(',')
                    .Append(r.ObstaclePresent ? r.ClosingMps.ToString("0.###", inv) : "")
                    .Append(',')
                    .Append(inZone ? 1 : 0)
                    .Append(',')
                    .Append(inZone && r.Observable && !r.AtReference ? 1 : 0)
                    .Append(',')
                    .Append(inZone && r.AtReference ? 1 : 0)
                    .Append(',')
                    .Append(r.ObstacleInWindow ? 1 : 0)
                    .Append(',')
                    .Append(r.UnitFault ? 1 : 0)
                    .Append(',')
                    .Append((int)r.FloorLevel)
                    .Append(',')
                    .Append(double.IsNaN(r.FloorVisibilityM) ? "" : r.FloorVisibilityM.ToString("0.###", inv))
                    .Append(',')
                    .Append(r.FloorHazard ? 1 : 0);
                w.WriteLine(sb);
                rows++;
            }
        }
        Console.WriteLine($"{path}: {episodes} episodes, {rows} windows");
    }
}
