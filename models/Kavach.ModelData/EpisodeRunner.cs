using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Demo;
using Kavach.Edge.Fusion;
using Kavach.Edge.Model;
using Kavach.Edge.Sensors;
using Kavach.Protocols;
using Kavach.Simulation;

namespace Kavach.ModelData;

/// <summary>One fusion window of an episode: the model's features, the ground truth and the safety floor's view.</summary>
internal readonly record struct Row(
    double TimeS,
    float[] Features,
    double VisibilityM,
    bool ObstaclePresent,
    double ObstacleRangeM,
    double ClosingMps,
    bool UnitFault,
    bool Observable,
    bool AtReference,
    bool ObstacleInWindow,
    RiskLevel FloorLevel,
    double FloorVisibilityM,
    bool FloorHazard
);

/// <summary>
/// Plays one episode through the simulator's physics (World + SimSensor.Sample: the very code kavach-sim
/// uses) into the daemon's own FusionEngine on a manual clock, and at each 100 ms tick writes the
/// FeatureVector, the labels from the world, and the daemon's SafetyFloor assessment of the same window.
/// Frames a decoder would reject (bad checksum, truncated) and frames never sent (dropout, silent) are
/// dropped; a stuck frame repeats the last clean values (the frozen check sees it).
/// </summary>
internal static class EpisodeRunner
{
    private const double TickS = 0.1;
    private const double WarmupS = 1.5; // the first windows are still filling (the unit is "starting")

    public static List<Row> Run(Episode episode)
    {
        var scenario = episode.Scenario;
        var options = ScenarioConfig.Options(ScenarioConfig.Adapt(scenario), "/nonexistent/kavach.db", "");
        var clock = new ManualClock();
        var fusion = new FusionEngine(options, clock);
        var floor = new SafetyFloor(options);
        var world = new World(scenario);
        var sensors = scenario.Sensors.Select(s => new SimSensor(s, scenario.Seed)).ToArray();
        var next = new double[sensors.Length];
        for (var i = 0; i < sensors.Length; i++)
            next[i] = (i + 1) * 0.0037 % (1 / sensors[i].Spec.RateHz); // phase offsets
        var rows = new List<Row>((int)(scenario.DurationS / TickS));
        var x = new float[FeatureVector.Count];
        // per sensor: frame times in the last window, and those whose measurement was the obstacle
        var frames = sensors.Select(_ => new Queue<(double T, bool Saw)>()).ToArray();
        var lastPresentS = double.NegativeInfinity;

        for (var tick = 1; tick * TickS <= scenario.DurationS + 1e-9; tick++)
        {
            var t = tick * TickS;
            for (var i = 0; i < sensors.Length; i++)
            {
                var period = 1 / sensors[i].Spec.RateHz;
                for (; next[i] <= t + 1e-9; next[i] += period)
                {
                    world.AdvanceTo(next[i]);
                    if (world.ObstaclePresent)
                        lastPresentS = next[i];
                    var s = sensors[i].Sample(world);
                    if (s.Fault is FaultType.Dropout or FaultType.Silent or FaultType.BadChecksum or FaultType.Truncated)
                        continue;
                    frames[i].Enqueue((next[i], s.Fault == FaultType.None && SawObstacle(s, world)));
                    fusion.Add(SimulatedReadings.ToReading(i, s, ManualClock.Ticks(next[i])));
                }
            }
            clock.Now = ManualClock.Ticks(t);
            var snapshot = fusion.Tick(clock.Now);
            if (t < WarmupS)
                continue;
            world.AdvanceTo(t);
            var observable = false;
            for (var i = 0; i < sensors.Length; i++)
            {
                while (frames[i].Count > 0 && frames[i].Peek().T <= t - 1)
                    frames[i].Dequeue();
                var saw = frames[i].Count(f => f.Saw);
                if (snapshot.Sensors[i].Live && frames[i].Count > 0 && saw >= ObservableFraction * frames[i].Count)
                    observable = true;
            }
            FeatureVector.Fill(snapshot, options, x);
            var a = floor.Assess(snapshot);
            rows.Add(
                new Row(
                    t,
                    [.. x],
                    world.VisibilityM,
                    world.ObstaclePresent,
                    world.ObstaclePresent ? world.ObstacleRangeM : double.NaN,
                    world.ObstaclePresent ? world.ObstacleClosingSpeedMps : double.NaN,
                    UnitFault(snapshot, options),
                    observable && world.ObstaclePresent,
                    world.ObstaclePresent && AtReference(options, world.ObstacleRangeM, world.ObstacleClosingSpeedMps),
                    world.ObstaclePresent || lastPresentS > t - 1,
                    a.Level,
                    a.VisibilityM,
                    a.InZone || a.TtcBelow
                )
            );
        }
        return rows;
    }

    /// <summary>A live sensor measured the obstacle in at least this fraction of its window's frames: the data hold it.</summary>
    public const double ObservableFraction = 0.3;

    /// <summary>
    /// The obstacle stands at the commissioned reference target's range (within the confirmation tolerance) and
    /// is not moving (tolerance plus 1 m of measurement noise): by range and Doppler it is the reference, for the floor and the model alike
    /// (only a change of strength, which fog also causes, could tell). Such windows are not counted as observable; the card
    /// reports them apart, and the installation rule is to set the reference target where a vehicle cannot stand.
    /// </summary>
    // A target just outside the tolerance still reads inside it now and then (range noise, quantisation).
    private const double ReferenceNoiseMarginM = 1;

    private static bool AtReference(KavachOptions options, double rangeM, double closingMps)
    {
        var risk = options.Risk;
        return risk.ReferenceRangeM > 0
            && Math.Abs(rangeM - risk.ReferenceRangeM) <= risk.ConfirmToleranceM + ReferenceNoiseMarginM
            && Math.Abs(closingMps) < risk.MinClosingSpeedMps;
    }

    // The frame measured the obstacle itself (not the background, clutter or fog backscatter).
    internal static bool SawObstacle(in SimSample s, World w)
    {
        if (!w.ObstaclePresent)
            return false;
        var r = w.ObstacleRangeM;
        return s.Kind switch
        {
            SensorKind.Lidar => s.HasReturn && !s.IsBackscatter && Math.Abs(s.DistanceM - r) <= 1.0,
            SensorKind.Radar => s.HasTarget && Math.Abs(s.NearestRangeM - r) <= Math.Max(2.0, 0.03 * r),
            _ => false,
        };
    }

    // The risk state would be FAULT: a required sensor not live.
    private static bool UnitFault(FusionSnapshot snapshot, KavachOptions options)
    {
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
            if (options.Sensors[f.Sensor].Required && !f.Live)
                return true;
        return false;
    }
}
