using System.Globalization;
using Kavach.Edge.Configuration;
using Kavach.Protocols;
using Kavach.Simulation;
using Microsoft.Extensions.Configuration;

namespace Kavach.Edge.Demo;

/// <summary>
/// The daemon configuration that matches a simulator scenario: one loopback tcp-listen input per
/// scenario sensor (port 0: the system picks), the sensors' wire formats, and the commissioning values
/// a technician would set on site (the LiDAR's clear-air baseline on the reference target, its strength
/// floor, the reference range). Used by `demo` and by the scenario tests.
/// </summary>
public static class ScenarioConfig
{
    /// <summary>Wire formats the daemon's inputs decode in this build (the simulator's formats of the same name in
    /// <see cref="Sensors.Protocols.ProtocolRegistry.BuiltIn"/>); other scenario sensors fall back to JSON lines.</summary>
    public static readonly IReadOnlySet<SimProtocol> Supported = Enum.GetValues<SimProtocol>()
        .Where(p => Sensors.Protocols.ProtocolRegistry.BuiltIn.TryGet(SimNames.Name(p), out _))
        .ToHashSet();

    /// <summary>The scenario with every sensor on a wire format this build decodes.</summary>
    public static Scenario Adapt(Scenario scenario) =>
        scenario with
        {
            Sensors = scenario
                .Sensors.Select(s =>
                    Supported.Contains(s.Protocol)
                        ? s
                        : s with
                        {
                            Protocol = SimProtocol.JsonLines,
                            Variant = s.Kind == SensorKind.Camera ? s.Variant : s.EffectiveVariant,
                        }
                )
                .ToList(),
        };

    /// <summary>Configuration keys for <paramref name="scenario"/> (already adapted), storage at <paramref name="databasePath"/>;
    /// a scenario that drives a route (<c>train.route</c>) gets a Route section with <paramref name="routeFile"/>, where the
    /// caller wrote the scenario's route text (<see cref="TrainRoute.Text"/>), and the default warning distance and time.</summary>
    public static Dictionary<string, string?> Keys(
        Scenario scenario,
        string databasePath,
        string logFile,
        int? brokerPort = null,
        string? routeFile = null
    )
    {
        var inv = CultureInfo.InvariantCulture;
        var k = new Dictionary<string, string?>
        {
            ["Device:Id"] = "demo",
            ["Storage:Path"] = databasePath,
            ["Logging:File"] = logFile,
            ["Logging:Console"] = "false",
            ["Risk:StartupGraceMs"] = "3000",
            ["Api:Urls"] = "http://127.0.0.1:0",
        };
        if (brokerPort is { } port)
        {
            k["Uplink:Host"] = "127.0.0.1";
            k["Uplink:Port"] = port.ToString(inv);
            k["Uplink:TelemetryMs"] = "10000";
        }
        var cab = scenario.Platform == Platform.Locomotive;
        if (cab)
        {
            // a cab: the default train (docs/locomotive.md) and the scenario's corridor
            k["Device:Mode"] = "locomotive";
            k["Train:Class"] = "simulator: loaded passenger (defaults)";
            if (scenario.Train is { } train)
                k["Train:CorridorHalfWidthM"] = train.CorridorHalfWidthM.ToString(inv);
            if (scenario.Train?.Route is not null && routeFile is not null)
                k["Route:Files:0"] = routeFile;
        }
        if (scenario.ProtectedZoneM is { } zone)
            k["Risk:StoppingDistanceM"] = zone.ToString(inv);
        if (scenario.Background is { } bg)
            k["Risk:ReferenceRangeM"] = bg.RangeM.ToString(inv);
        for (var i = 0; i < scenario.Sensors.Count; i++)
        {
            var s = scenario.Sensors[i];
            var p = $"Sensors:{i}:";
            k[p + "Name"] = s.Name;
            k[p + "Kind"] = s.Kind.ToString().ToLowerInvariant();
            k[p + "Protocol"] = SimNames.Name(s.Protocol); // the simulator and the daemon spell a format alike
            k[p + "Transport:Type"] = "tcp-listen";
            k[p + "Transport:Host"] = "127.0.0.1";
            k[p + "Transport:Port"] = "0";
            if (s.Protocol == SimProtocol.TfSeries)
                k[p + "Variant"] = TfVariantName(s.EffectiveVariant);
            if (s.Kind == SensorKind.Camera)
            {
                k[p + "Required"] = "false";
                k[p + "TimeoutMs"] = "5000";
            }
            if (s.Protocol == SimProtocol.TiMmwave)
            {
                // commissioning: the clutter gate 5 dB over the detection threshold (the simulator reports targets 6 dB over it)
                var model = SensorModelDefaults.For(s.EffectiveVariant);
                k[p + "MinSnrDb"] = ((s.ThresholdDb ?? model.Threshold) + 5).ToString(inv);
            }
            if (cab && s.Kind == SensorKind.Radar)
                k[p + "MaxRangeM"] = SensorModelDefaults.For(s.EffectiveVariant).MaxRangeM.ToString(inv);
            if (cab && s.Kind == SensorKind.Lidar)
            {
                // no reference target on a moving train: no clear-air baseline, only the sensor's own figures
                var model = SensorModelDefaults.For(s.EffectiveVariant);
                k[p + "MinStrength"] = model.Threshold.ToString(inv);
                k[p + "MaxStrength"] = model.MaxStrength.ToString(inv);
                k[p + "MaxRangeM"] = (s.MaxRangeM ?? model.MaxRangeM).ToString(inv);
            }
            else if (s.Kind == SensorKind.Lidar)
            {
                var model = SensorModelDefaults.For(s.EffectiveVariant);
                var kk = s.K ?? model.K;
                // commissioning: the clear-air return of the reference target (or a typical 60 m target)
                var rangeM = scenario.Background?.RangeM ?? 60;
                var rho = scenario.Background?.Reflectivity ?? 1;
                k[p + "BaselineStrength"] = Math.Min(kk * rho / (rangeM * rangeM), model.MaxStrength).ToString("0", inv);
                k[p + "BaselineRangeM"] = rangeM.ToString(inv);
                k[p + "MinStrength"] = model.Threshold.ToString(inv);
                k[p + "MaxStrength"] = model.MaxStrength.ToString(inv);
                k[p + "MaxRangeM"] = (s.MaxRangeM ?? model.MaxRangeM).ToString(inv);
            }
        }
        return k;
    }

    /// <summary>Validated options for a scenario (throws with the error lines if the mapping is wrong: a bug, not user input).</summary>
    public static KavachOptions Options(
        Scenario scenario,
        string databasePath,
        string logFile,
        int? brokerPort = null,
        string? routeFile = null
    )
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(Keys(scenario, databasePath, logFile, brokerPort, routeFile)).Build();
        var errors = new List<string>();
        var options = KavachOptions.Bind(config, errors);
        if (errors.Count > 0)
            throw new InvalidOperationException("scenario configuration invalid: " + string.Join("; ", errors));
        return options;
    }

    private static string TfVariantName(SensorVariant v) =>
        v switch
        {
            SensorVariant.TfLuna => "tf-luna",
            SensorVariant.TfminiS => "tfmini-s",
            SensorVariant.TfminiPlus => "tfmini-plus",
            SensorVariant.Tf02Pro => "tf02-pro",
            _ => "tf03",
        };
}
