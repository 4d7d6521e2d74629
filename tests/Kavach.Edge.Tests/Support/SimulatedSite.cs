using Kavach.Edge.Demo;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Protocols;
using Kavach.Simulation;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// Plays a simulator scenario (its World and SimSensor physics: the very code kavach-sim sends over the wire) into a
/// <see cref="PipelineHarness"/> — the daemon's real fusion, safety floor, model layer and risk state — on its
/// FakeTimeProvider, as models/Kavach.ModelData does for training: minutes of scenario time in seconds, and every
/// tick's risk state observed. Scenario sensors map to configured sensors by name; frames a decoder would reject
/// or that are never sent (dropout, silent, bad checksum, truncated) are not fed.
/// </summary>
public sealed class SimulatedSite(Scenario scenario, PipelineHarness harness)
{
    /// <summary>One tick: scenario time, the risk state after it, and the model's view at that tick.</summary>
    public readonly record struct Tick(double TimeS, RiskState State, Kavach.Edge.Model.ModelView? Model);

    /// <summary>Every tick of the run, in order.</summary>
    public List<Tick> Ticks { get; } = [];

    /// <summary>Plays the whole scenario (or <paramref name="seconds"/> of it).</summary>
    public SimulatedSite Run(double? seconds = null)
    {
        var world = new World(scenario);
        var sensors = scenario.Sensors.Select(s => new SimSensor(s, scenario.Seed)).ToArray();
        var index = scenario.Sensors.Select(s => harness.IndexOf(s.Name)).ToArray();
        var next = new double[sensors.Length];
        for (var i = 0; i < sensors.Length; i++)
            next[i] = (i + 1) * 0.0037 % (1 / sensors[i].Spec.RateHz); // phase offsets
        var tickS = harness.Options.Fusion.TickMs / 1000.0;
        var start = harness.Time.GetTimestamp();
        var end = seconds ?? scenario.DurationS;
        for (var tick = 1; tick * tickS <= end + 1e-9; tick++)
        {
            var t = tick * tickS;
            for (var i = 0; i < sensors.Length; i++)
            {
                for (var period = 1 / sensors[i].Spec.RateHz; next[i] <= t + 1e-9; next[i] += period)
                {
                    world.AdvanceTo(next[i]);
                    var s = sensors[i].Sample(world);
                    if (index[i] < 0 || s.Fault is FaultType.Dropout or FaultType.Silent or FaultType.BadChecksum or FaultType.Truncated)
                        continue;
                    harness.Fusion.Add(SimulatedReadings.ToReading(index[i], s, start + (long)(next[i] * harness.Time.TimestampFrequency)));
                }
            }
            harness.Time.Advance(TimeSpan.FromSeconds(tickS));
            harness.Pipeline.Step();
            Ticks.Add(new Tick(t, harness.Risk.Current, harness.Pipeline.LastModelView));
        }
        return this;
    }
}
