using Kavach.Edge.Commissioning;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kavach.Edge.Tests.Commissioning;

/// <summary>Coverage measured live on the reference: a radar whose SNR on it puts the zone edge past its gate is a
/// persistent degradation with the figure, raised after three one-second checks and cleared the same way (fake clock).</summary>
public class CoverageMonitorTests
{
    [Fact]
    public async Task A_radar_seeing_the_reference_too_weakly_raises_a_coverage_degradation_with_its_figure_and_clears_it()
    {
        var h = new PipelineHarness(
            TestConfig.Valid(
                overrides: new Dictionary<string, string?>
                {
                    ["Risk:ReferenceRangeM"] = "95",
                    ["Sensors:1:Protocol"] = "ti-mmwave",
                    ["Sensors:1:MinSnrDb"] = "30",
                }
            )
        );
        using var dir = Repo.NewTempDir();
        h.Options.Storage.Path = dir.File("kavach.db");
        var state = CommissioningState.Load(h.Options);
        var degradations = new Degradations();
        var monitor = new CoverageMonitor(h.Options, state, degradations, h.Pipeline, h.Time, NullLogger<CoverageMonitor>.Instance);
        await monitor.StartAsync(CancellationToken.None);
        Assert.True(degradations.IsActive(CoverageMonitor.CommissioningKey)); // no record here

        // the reference at 95 m at 28 dB: a car 5 dB weaker meets MinSnrDb 30 at 95·10^((28−5−30)/40) ≈ 63 m
        var weak = PipelineHarness.World(60, 2000, 95);
        h.Run(2, (p, t) =>
        {
            weak(p, t);
            p.Radar("radar", 95 + (t % 5) * 0.02f, 0, 28);
        });
        Assert.False(degradations.IsActive(CoverageMonitor.LiveKey("radar"))); // not yet: three checks in a row
        h.Run(3, (p, t) =>
        {
            weak(p, t);
            p.Radar("radar", 95 + (t % 5) * 0.02f, 0, 28);
        });
        var message = degradations.Snapshot().Single(m => m.StartsWith("radar reach", StringComparison.Ordinal));
        Assert.Matches(
            @"^radar reach 6\d m < zone 150 m \(live: 28\.0 dB on the 95 m reference, MinSnrDb 30\): lower MinSnrDb or move the post$",
            message
        );

        // stronger (45 dB: reach ≈ 222 m): cleared after three checks
        h.Run(5, (p, t) =>
        {
            weak(p, t);
            p.Radar("radar", 95 + (t % 5) * 0.02f, 0, 45);
        });
        Assert.False(degradations.IsActive(CoverageMonitor.LiveKey("radar")));
        await monitor.StopAsync(CancellationToken.None);
    }
}
