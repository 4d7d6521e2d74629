using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Demo;
using Kavach.Edge.Model;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Kavach.Simulation;

namespace Kavach.Edge.Tests.Model;

/// <summary>
/// The committed model on sites it was not built for (issue 12), played through the simulator's physics into the real
/// pipeline on a fake clock: the example configuration against a reflector beyond its configured reach, and a
/// commissioned site whose LiDAR link goes silent. Never a model HIGH; a silent sensor is FAULT on time.
/// </summary>
public class SiteScenarioTests
{
    // clear air, the track empty; the only return a retro-reflector at the far end of the section, outside the zone
    private static Scenario FarReflector(double durationS, SensorSpec lidar, IReadOnlyList<FaultWindow>? lidarFaults = null) =>
        new Scenario
        {
            Name = "far-reflector",
            Seed = 4242,
            DurationS = durationS,
            ProtectedZoneM = 150,
            Background = new BackgroundTarget
            {
                RangeM = 170,
                Reflectivity = 0.9,
                RcsDbsm = 20,
            },
            Sensors =
            [
                lidar with
                {
                    Faults = lidarFaults ?? [],
                },
                new SensorSpec
                {
                    Name = "radar",
                    Kind = SensorKind.Radar,
                    Protocol = SimProtocol.TiMmwave,
                    Variant = SensorVariant.Iwr6843,
                    RateHz = 20,
                },
                new SensorSpec
                {
                    Name = "camera",
                    Kind = SensorKind.Camera,
                    Protocol = SimProtocol.JsonLines,
                    RateHz = 1,
                },
            ],
            Timeline = [new Keyframe { TimeS = 0, VisibilityM = 10_000 }, new Keyframe { TimeS = durationS, VisibilityM = 10_000 }],
        }.Validate();

    // a real TF03-180: it returns the reflector at 170 m whatever the configuration says
    private static readonly SensorSpec Tf03Long = new()
    {
        Name = "lidar",
        Kind = SensorKind.Lidar,
        Protocol = SimProtocol.TfSeries,
        Variant = SensorVariant.Tf03,
        RateHz = 100,
        MaxRangeM = 180,
    };

    private static PipelineHarness RealModel(KavachOptions options) => new(options, model: o =>
        {
            var (model, state, reason) = ModelLayer.Load(o.Model); // models/kavach-risk.onnx beside the test assembly, as beside the daemon
            Assert.Equal(ModelState.Running, state);
            return new ModelLayer(o, model, new ListLogger(), state, reason);
        });

    private static KavachOptions Example()
    {
        // The sensing and risk sections as the example has them; its API (HTTPS on the maintenance network with
        // the package's key and certificate) is not under test here, so it stays on loopback.
        var o = KavachOptions.Load(
            Path.Combine(Repo.Root, "deploy", "kavach.example.json"),
            new Dictionary<string, string?>
            {
                ["KAVACH_Api__Urls"] = "http://127.0.0.1:8080",
                ["KAVACH_Api__KeyFile"] = "",
                ["KAVACH_Api__CertFile"] = "",
                ["KAVACH_Api__CertKeyFile"] = "",
            },
            out var errors
        );
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return o!;
    }

    [Fact]
    public void Example_config_against_a_reflector_beyond_its_configured_reach_never_raises_HIGH()
    {
        var o = Example();
        Assert.Equal(100, o.Sensors[0].MaxRangeM); // the example's TF03 reach; the sensor on site reaches 180 m
        var h = RealModel(o);
        var site = new SimulatedSite(FarReflector(300, Tf03Long), h).Run();

        var settled = site.Ticks.Where(t => !t.State.Starting).ToList();
        Assert.NotEmpty(settled);
        Assert.DoesNotContain(site.Ticks, t => t.State.Level == RiskLevel.High);
        Assert.DoesNotContain(site.Ticks, t => t.Model?.Level == RiskLevel.High);
        Assert.All(settled.Skip(20), t => Assert.Equal(RiskLevel.Low, t.State.Level));
        // and it says why the model stays out
        Assert.StartsWith("model abstains: lidar 'lidar' returns at 1", site.Ticks[^1].Model!.Abstained);
        Assert.Contains("beyond its MaxRangeM 100 m", site.Ticks[^1].Model!.Abstained);
    }

    [Theory]
    [InlineData(3)] // the serial link silent for 3 s (the sequence)
    [InlineData(100)] // the feed ends
    public void Commissioned_site_with_a_silent_lidar_is_FAULT_within_its_timeout_plus_a_tick_and_never_HIGH(double silentS)
    {
        const double from = 40;
        var scenario = FarReflector(
            from + Math.Min(silentS, 30) + 20,
            Tf03Long,
            [
                new FaultWindow
                {
                    Type = FaultType.Silent,
                    FromS = from,
                    ToS = from + silentS,
                },
            ]
        );
        // commissioned by hand: ReferenceRangeM 170, the baseline on the reference, MaxRangeM 180 (ScenarioConfig: what a technician sets)
        var o = ScenarioConfig.Options(ScenarioConfig.Adapt(scenario), "/nonexistent/kavach.db", "");
        Assert.Equal(170, o.Risk.ReferenceRangeM);
        Assert.Equal(180, o.Sensors[0].MaxRangeM);
        var h = RealModel(o);
        var site = new SimulatedSite(scenario, h).Run();

        Assert.DoesNotContain(site.Ticks, t => t.State.Level == RiskLevel.High);
        Assert.DoesNotContain(site.Ticks, t => t.Model?.Level == RiskLevel.High);
        Assert.Contains(site.Ticks, t => t.TimeS > from - 5 && t.TimeS < from && t.Model is { Abstained: null }); // the model answered before
        var lastFrameS = from - 0.01; // a 100 Hz LiDAR's last frame before the silence
        var fault = site.Ticks.First(t => t.TimeS > from && t.State.Level == RiskLevel.Fault);
        Assert.InRange(
            fault.TimeS - lastFrameS,
            o.Sensors[0].TimeoutMs / 1000.0,
            (o.Sensors[0].TimeoutMs + o.Fusion.TickMs) / 1000.0 + 1e-6
        );
        Assert.All(site.Ticks.Where(t => t.TimeS > from + 1 && t.TimeS < from + Math.Min(silentS, 30)), t =>
            Assert.NotNull(t.Model?.Abstained)
        );
    }
}
