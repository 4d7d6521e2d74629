using Kavach.Edge.Assessment;
using Kavach.Edge.Demo;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>
/// The simulator's built-in scenarios, played at real speed in their real wire formats over loopback TCP
/// into the daemon, drive it to the levels each scenario file expects (its "expect" windows). All five
/// run at once (about a minute of wall time).
/// </summary>
[Collection(ScenarioRun.Collection)] // five daemons at real speed each: one class at a time on a 2-core machine
public class ScenarioLevelTests
{
    [Fact]
    public async Task Built_in_scenarios_drive_the_daemon_to_their_expected_levels()
    {
        var names = new[] { "clear", "stalled-car", "fog-only", "radar-only-obstacle", "faults" };
        var results = await Task.WhenAll(names.Select(RunAsync));
        var failures = results.Where(r => r.Length > 0).ToList();
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>Plays one scenario; returns "" when every expectation held, else what went wrong.</summary>
    private static async Task<string> RunAsync(string name)
    {
        var scenario = ScenarioConfig.Adapt(Scenario.BuiltIn(name));
        var samples = new List<(double T, RiskLevel Level, bool Starting, string Why)>();
        var logged = await ScenarioRun.PlayAsync(scenario, (services, w) =>
        {
            if (services.GetRequiredService<RiskBroadcaster>().Latest is { } s)
                lock (samples)
                    samples.Add((w.TimeS, s.Level, s.Starting, $"{s.RaisedBy}: {string.Join("; ", s.Reasons)}"));
        });

        var problems = new List<string>();
        if (logged.Length > 0)
            problems.Add(logged);
        // The start-up FAULT lasts until every required sensor has spoken and the first assessment is
        // made: on a loaded machine that can take a few seconds of scenario time. Judge from then on.
        double started;
        lock (samples)
            started = samples.FirstOrDefault(x => !x.Starting).T;
        if (started == 0 && samples.All(x => x.Starting))
            return $"scenario {name}: the daemon never left its start-up FAULT";
        foreach (var e in scenario.Expect)
        {
            var want = e.Level switch
            {
                ExpectedRisk.Low => RiskLevel.Low,
                ExpectedRisk.Medium => RiskLevel.Medium,
                ExpectedRisk.High => RiskLevel.High,
                _ => RiskLevel.Fault,
            };
            // A window says where the level must have settled: allow 1 s at its start for the transition
            // (a sensor silenced at 45 s is stale at 47 s by its 2 s timeout, decided at the next tick).
            var from = Math.Max(e.FromS + 1, started + 0.5);
            List<(double T, RiskLevel Level, bool Starting, string Why)> inWindow;
            lock (samples)
                inWindow = samples.Where(x => x.T >= from && x.T <= e.ToS).ToList();
            var wrong = inWindow.Where(x => x.Level != want).ToList();
            if (inWindow.Count == 0)
                problems.Add($"{e.FromS}-{e.ToS} s: no sample");
            else if (wrong.Count > 0)
                problems.Add(
                    $"{e.FromS}-{e.ToS} s: expected {want}, got {string.Join(", ", wrong.Take(6).Select(x => $"{x.Level}@{x.T:0.0}s"))}{(wrong.Count > 6 ? $" (+{wrong.Count - 6})" : "")}; first: {wrong[0].Why}"
                );
        }
        return problems.Count == 0 ? "" : $"scenario {name}:\n  " + string.Join("\n  ", problems);
    }
}
