using Kavach.Protocols;
using Kavach.Simulation;

namespace Kavach.ModelData;

/// <summary>Which split an episode belongs to: its seeds, scenario families and sensor variations.</summary>
internal enum Split
{
    Train,
    Val,
    Test,
}

/// <summary>One generated episode: the scenario plus the tags the CSV carries.</summary>
internal sealed record Episode(Scenario Scenario, string Family, bool HeldOutSensors, string LidarVariant, string RadarVariant);

/// <summary>
/// Builds random scenarios (40 s each) from a seed. Train and validation share the families
/// sweep / approach / stalled / departing and the training sensor set; the held-out test set uses other
/// families (crossing traffic, fog banks with an approach) and, in half its episodes, sensor variations
/// training never saw: a TF02-Pro LiDAR (40 m reach; training: TF03 100 m, TF03-180, and TF03s cut to 50–180 m),
/// 2.5× fog backscatter (training 0.5–1.8×), a radar with 2.5 dB SNR noise, 0.3 m/s velocity noise and 8 clutter
/// reflectors (training: 0.7–1.8 dB, 0.05–0.2 m/s, 0–6), a noisier camera (σ 0.2 against 0.05–0.12).
/// </summary>
internal static class EpisodeFactory
{
    public const double DurationS = 40;
    public const double StoppingDistanceM = 150;

    public static readonly string[] TrainFamilies = ["sweep", "approach", "stalled", "departing"];
    public static readonly string[] TestFamilies = ["crossing", "fog-bank", "approach-fast"];

    public static Episode Create(Split split, int index, ulong seed)
    {
        var rng = new SimRandom(SimRandom.DeriveSeed(seed, $"{split}/{index}"));
        var families = split == Split.Test ? TestFamilies : TrainFamilies;
        var family = families[index % families.Length];
        var heldOut = split == Split.Test && rng.Chance(0.5);

        var fog = new Piecewise();
        var obstacle = new List<(double T, double? RangeM)>();
        switch (family)
        {
            case "sweep":
                FogWalk(rng, fog, 4, 10);
                break;
            case "approach":
            case "approach-fast":
            {
                if (family == "approach")
                    FogWalk(rng, fog, 10, 25);
                else
                    FogSteps(rng, fog);
                var t0 = rng.Uniform(1, 10);
                var r0 = rng.Uniform(100, 300);
                var speed = family == "approach" ? rng.Uniform(0, 40) : rng.Uniform(15, 40);
                var stop = rng.Uniform(0.5, r0);
                var tStop = Math.Min(DurationS, t0 + (speed > 0.1 ? (r0 - stop) / speed : DurationS));
                obstacle.Add((t0, r0));
                var rEnd = tStop >= DurationS ? r0 - speed * (DurationS - t0) : stop;
                obstacle.Add((tStop, Math.Max(rEnd, 0.5)));
                if (tStop < DurationS - 1)
                {
                    var leave = rng.Chance(0.4) ? rng.Uniform(tStop + 1, DurationS) : DurationS;
                    obstacle.Add((leave, rEnd));
                    if (leave < DurationS)
                        obstacle.Add((leave + 0.01, null));
                }
                break;
            }
            case "stalled":
            {
                FogWalk(rng, fog, 8, 20);
                var r = rng.Chance(0.15) ? rng.Uniform(0.5, 10) : rng.Uniform(0.5, 300);
                var t0 = rng.Uniform(0, 15);
                var t1 = rng.Chance(0.5) ? rng.Uniform(t0 + 5, DurationS) : DurationS;
                obstacle.Add((t0, r));
                obstacle.Add((t1, r));
                if (t1 < DurationS)
                    obstacle.Add((t1 + 0.01, null));
                break;
            }
            case "departing":
            {
                FogWalk(rng, fog, 8, 20);
                var r = rng.Uniform(0.5, 150);
                var speed = rng.Uniform(1, 25);
                var t0 = rng.Uniform(1, 10);
                var t1 = Math.Min(DurationS, t0 + (320 - r) / speed);
                obstacle.Add((t0, r));
                obstacle.Add((t1, r + speed * (t1 - t0)));
                if (t1 < DurationS)
                    obstacle.Add((t1 + 0.01, null));
                break;
            }
            case "fog-bank":
                // fog banks drifting past an empty crossing: visibility jumps, nothing on the track
                FogSteps(rng, fog);
                break;
            default: // crossing: road vehicles that stop on / cross the track for a few seconds each
            {
                FogSteps(rng, fog);
                var t = rng.Uniform(1, 6);
                while (t < DurationS - 4)
                {
                    var r = rng.Uniform(3, 220);
                    var dur = rng.Uniform(3, 8);
                    var drift = rng.Uniform(-3, 3);
                    obstacle.Add((t, r));
                    obstacle.Add((t + dur, Math.Max(0.5, r - drift * dur)));
                    obstacle.Add((t + dur + 0.01, null));
                    t += dur + rng.Uniform(2, 8);
                }
                break;
            }
        }

        var (sensors, lidarVariant, radarVariant) = Sensors(rng, split, heldOut);
        var background = rng.Chance(0.6)
            ? new BackgroundTarget
            {
                RangeM = Math.Round(rng.Uniform(40, 140)),
                Reflectivity = rng.Uniform(0.5, 0.9),
                RcsDbsm = rng.Uniform(10, 20),
            }
            : null;
        var scenario = new Scenario
        {
            Name = $"{split}-{family}-{index}".ToLowerInvariant(),
            Seed = SimRandom.DeriveSeed(seed, $"{split}/{index}/sim"),
            DurationS = DurationS,
            ProtectedZoneM = StoppingDistanceM,
            Obstacle = new ObstacleProperties
            {
                Reflectivity = rng.Uniform(0.1, 0.9),
                RcsDbsm = rng.Uniform(0, 20),
                AzimuthDeg = rng.Uniform(-3, 3),
            },
            Background = background,
            Sensors = sensors,
            Timeline = Timeline(fog, obstacle),
        }.Validate();
        return new Episode(scenario, family, heldOut, lidarVariant, radarVariant);
    }

    private static (List<SensorSpec>, string, string) Sensors(SimRandom rng, Split split, bool heldOut)
    {
        var list = new List<SensorSpec>();
        // roles: LiDAR+radar most often; radar-only or LiDAR-only configurations too (a role absent)
        var roll = rng.NextDouble();
        var lidars =
            roll < 0.1 ? 0
            : roll < 0.2 ? 2
            : 1;
        var radars = roll is >= 0.1 and < 0.17 ? 0 : 1;
        var camera = rng.Chance(0.5);
        var lidarVariant =
            heldOut ? SensorVariant.Tf02Pro
            : rng.Chance(0.75) ? SensorVariant.Tf03
            : SensorVariant.Tf03Long;
        var radarVariant = rng.Chance(0.7) ? SensorVariant.Awr1843 : SensorVariant.Iwr6843;
        for (var i = 0; i < lidars; i++)
        {
            var variant =
                i == 0 ? lidarVariant
                : rng.Chance(0.75) ? SensorVariant.Tf03
                : SensorVariant.Tf03Long;
            // domain randomisation: a TF03-class LiDAR whose reach is cut to 50–180 m (a dirty window, a
            // shorter-range model); the held-out TF02-Pro (40 m) lies outside that range
            double? reach = !heldOut && rng.Chance(0.2) ? Math.Round(rng.Uniform(50, 180)) : null;
            list.Add(
                new SensorSpec
                {
                    Name = i == 0 ? "lidar" : "lidar2",
                    Kind = SensorKind.Lidar,
                    Variant = variant,
                    MaxRangeM = i == 0 ? reach : null,
                    RateHz = 100,
                    Noise = rng.Uniform(0.05, 0.12),
                    Backscatter = heldOut ? 2.5 : rng.Uniform(0.5, 1.8),
                    Faults = Faults(rng),
                }
            );
        }
        for (var i = 0; i < radars; i++)
        {
            list.Add(
                new SensorSpec
                {
                    Name = "radar",
                    Kind = SensorKind.Radar,
                    Variant = radarVariant,
                    RateHz = 20,
                    Noise = heldOut ? 2.5 : rng.Uniform(0.7, 1.8),
                    VelocityNoiseMps = heldOut ? 0.3 : rng.Uniform(0.05, 0.2),
                    ClutterPoints = heldOut ? 8 : rng.NextInt(7),
                    Faults = Faults(rng),
                }
            );
        }
        if (camera)
        {
            list.Add(
                new SensorSpec
                {
                    Name = "camera",
                    Kind = SensorKind.Camera,
                    Variant = SensorVariant.CameraMetres,
                    RateHz = 1,
                    Noise = heldOut ? 0.2 : rng.Uniform(0.05, 0.12),
                    Faults = Faults(rng),
                }
            );
        }
        return (list, lidars == 0 ? "none" : SimNames.Name(lidarVariant), radars == 0 ? "none" : SimNames.Name(radarVariant));
    }

    private static List<FaultWindow> Faults(SimRandom rng)
    {
        var list = new List<FaultWindow>();
        if (!rng.Chance(0.15))
            return list;
        var from = rng.Uniform(2, DurationS - 5);
        var to = Math.Min(DurationS, from + rng.Uniform(3, 15));
        var type = rng.NextInt(5) switch
        {
            0 => FaultType.Dropout,
            1 => FaultType.Stuck,
            2 => FaultType.Silent,
            3 => FaultType.BadChecksum,
            _ => FaultType.Garbage,
        };
        var p = type is FaultType.Stuck or FaultType.Silent ? 1 : rng.Uniform(0.2, 0.8);
        list.Add(
            new FaultWindow
            {
                Type = type,
                FromS = from,
                ToS = to,
                Probability = p,
            }
        );
        return list;
    }

    // A visibility drawn band by band (each IMD band equally likely, log-uniform inside it): 20 m – 10 km.
    private static double DrawVisibility(SimRandom rng)
    {
        var (lo, hi) = rng.NextInt(5) switch
        {
            0 => (1000.0, 10_000.0),
            1 => (500.0, 1000.0),
            2 => (200.0, 500.0),
            3 => (50.0, 200.0),
            _ => (20.0, 50.0),
        };
        return Math.Exp(rng.Uniform(Math.Log(lo), Math.Log(hi)));
    }

    private static void FogWalk(SimRandom rng, Piecewise fog, double minStepS, double maxStepS)
    {
        var t = 0.0;
        while (t < DurationS)
        {
            fog.Add(t, DrawVisibility(rng));
            t += rng.Uniform(minStepS, maxStepS);
        }
        fog.Add(DurationS, DrawVisibility(rng));
    }

    // Fog banks: the visibility holds, then jumps within half a second.
    private static void FogSteps(SimRandom rng, Piecewise fog)
    {
        var t = 0.0;
        var v = DrawVisibility(rng);
        while (t < DurationS)
        {
            fog.Add(t, v);
            t += rng.Uniform(5, 15);
            if (t >= DurationS)
                break;
            fog.Add(t, v);
            v = DrawVisibility(rng);
            t += 0.5;
        }
        fog.Add(DurationS, v);
    }

    private static List<Keyframe> Timeline(Piecewise fog, List<(double T, double? RangeM)> obstacle)
    {
        var times = new SortedSet<double>(fog.Times);
        foreach (var (t, _) in obstacle)
            times.Add(Math.Round(t, 3));
        times.RemoveWhere(t => t > DurationS);
        var frames = new List<Keyframe>();
        double[] ts = [.. times];
        for (var i = 0; i < ts.Length; i++)
        {
            var t = ts[i];
            var (present, range, slope) = ObstacleAt(obstacle, t);
            ObstacleKeyframe? o = null;
            if (present)
            {
                var nextHas = i + 1 < ts.Length && ObstacleAt(obstacle, ts[i + 1]).Present;
                o = new ObstacleKeyframe { RangeM = range, ClosingSpeedMps = nextHas ? null : slope };
            }
            frames.Add(
                new Keyframe
                {
                    TimeS = t,
                    VisibilityM = fog.At(t),
                    Obstacle = o,
                }
            );
        }
        return frames;
    }

    // The obstacle is present from its first point until a null point; its range is linear between points.
    private static (bool Present, double RangeM, double ClosingMps) ObstacleAt(List<(double T, double? RangeM)> pts, double t)
    {
        for (var i = pts.Count - 1; i >= 0; i--)
        {
            if (Math.Round(pts[i].T, 3) > t)
                continue;
            if (pts[i].RangeM is not { } r)
                return (false, 0, 0);
            if (i + 1 < pts.Count && pts[i + 1].RangeM is { } r2)
            {
                var t1 = Math.Round(pts[i].T, 3);
                var t2 = Math.Round(pts[i + 1].T, 3);
                var closing = (r - r2) / (t2 - t1);
                return (true, Math.Max(0.5, r - closing * (t - t1)), closing);
            }
            return (true, r, 0);
        }
        return (false, 0, 0);
    }

    private sealed class Piecewise
    {
        private readonly List<(double T, double V)> _points = [];

        public IEnumerable<double> Times => _points.Select(p => Math.Round(p.T, 3));

        public void Add(double t, double v)
        {
            if (_points.Count > 0 && Math.Round(t, 3) <= Math.Round(_points[^1].T, 3))
                return;
            _points.Add((t, v));
        }

        public double At(double t)
        {
            if (t <= _points[0].T)
                return _points[0].V;
            for (var i = 1; i < _points.Count; i++)
            {
                if (t > _points[i].T)
                    continue;
                var (t0, v0) = _points[i - 1];
                var (t1, v1) = _points[i];
                return v0 + (v1 - v0) * (t - t0) / (t1 - t0);
            }
            return _points[^1].V;
        }
    }
}
