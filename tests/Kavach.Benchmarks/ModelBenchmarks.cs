using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Kavach.Edge.Configuration;
using Kavach.Edge.Demo;
using Kavach.Edge.Fusion;
using Kavach.Edge.Model;
using Kavach.Edge.Sensors;
using Kavach.Protocols;
using Kavach.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kavach.Benchmarks;

/// <summary>
/// On-device inference per fusion window (docs/benchmarks/model.md): feature preparation alone, the ONNX
/// call alone, and both through <see cref="ModelLayer.Assess"/> (what the pipeline runs every tick), on a
/// window of the demo scenario in dense fog with a car in the zone. <see cref="Setup"/> also prints the
/// per-call p50/p99 over 200 000 Stopwatch-timed windows, the session load time and the memory a session adds.
/// </summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private KavachOptions _options = null!;
    private FusionSnapshot _snapshot = null!;
    private OnnxRiskModel _model = null!;
    private ModelLayer _layer = null!;
    private readonly float[] _x = new float[FeatureVector.Count];

    [GlobalSetup]
    public void Setup()
    {
        var scenario = ScenarioConfig.Adapt(Scenario.BuiltIn("demo"));
        _options = ScenarioConfig.Options(scenario, "/nonexistent/kavach.db", "");
        _snapshot = Window(scenario, _options, atS: 30);
        var path = _options.Model.ResolvedPath;
        _model = OnnxRiskModel.Load(path, _options.Model.Sha256);
        _layer = new ModelLayer(_options, OnnxRiskModel.Load(path, null), NullLogger.Instance);
        Report(path);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _layer.Dispose();
    }

    [Benchmark(Description = "features only")]
    public float Features()
    {
        FeatureVector.Fill(_snapshot, _options, _x);
        return _x[0];
    }

    [Benchmark(Description = "ONNX Runtime call only")]
    public float Predict()
    {
        _model.Predict(_x, out var o);
        return o.ObstacleProbability;
    }

    [Benchmark(Baseline = true, Description = "features + inference (ModelLayer.Assess)")]
    public double Assess() => _layer.Assess(_snapshot)?.ObstacleProbability ?? -1;

    // One window of the scenario: World + SimSensor.Sample through the daemon's FusionEngine on a manual clock.
    private static FusionSnapshot Window(Scenario scenario, KavachOptions options, double atS)
    {
        var clock = new ManualTime();
        var fusion = new FusionEngine(options, clock);
        var world = new World(scenario);
        var sensors = scenario.Sensors.Select(s => new SimSensor(s, scenario.Seed)).ToArray();
        for (var i = 0; i < sensors.Length; i++)
        {
            var period = 1 / sensors[i].Spec.RateHz;
            for (var t = atS - 1; t <= atS; t += period)
            {
                world.AdvanceTo(t);
                var s = sensors[i].Sample(world);
                var r = Reading.Empty(i, s.Kind, (long)(t * 1e6));
                r.NoReturn = !s.HasReturn;
                r.DistanceM = s.HasReturn ? s.DistanceM : float.NaN;
                r.Strength = s.Strength;
                r.RangeM = s.HasTarget ? s.NearestRangeM : float.NaN;
                r.ClosingSpeedMps = s.HasTarget ? s.NearestClosingSpeedMps : float.NaN;
                r.SnrDb = s.HasTarget ? s.NearestSnrDb : float.NaN;
                r.Targets = s.PointCount;
                r.VisibilityM = s.Kind == SensorKind.Camera ? s.VisibilityM : float.NaN;
                fusion.Add(r);
            }
        }
        clock.Now = (long)(atS * 1e6);
        return fusion.Tick(clock.Now);
    }

    private void Report(string path)
    {
        // per-call distribution of the whole per-tick work (features + inference)
        const int n = 200_000;
        var samples = new double[n];
        for (var i = 0; i < 20_000; i++)
            _layer.Assess(_snapshot);
        var sw = new Stopwatch();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            sw.Restart();
            _layer.Assess(_snapshot);
            samples[i] = sw.Elapsed.TotalMicroseconds;
        }
        total.Stop();
        Array.Sort(samples);
        Console.WriteLine(
            $"// model: per window p50 {samples[n / 2]:0.00} µs, p99 {samples[n * 99 / 100]:0.00} µs, max {samples[^1]:0.0} µs; {n / total.Elapsed.TotalSeconds:0} windows/s single-threaded"
        );

        // load time and the memory one more session adds (working set and managed heap)
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var ws0 = Environment.WorkingSet;
        var heap0 = GC.GetTotalMemory(true);
        var load = Stopwatch.StartNew();
        var extra = OnnxRiskModel.Load(path, null);
        load.Stop();
        extra.Predict(_x, out _);
        var ws1 = Environment.WorkingSet;
        var heap1 = GC.GetTotalMemory(true);
        var loads = new double[10];
        for (var i = 0; i < loads.Length; i++)
        {
            var t = Stopwatch.StartNew();
            OnnxRiskModel.Load(path, null).Dispose();
            loads[i] = t.Elapsed.TotalMilliseconds;
        }
        Array.Sort(loads);
        Console.WriteLine(
            $"// model: load (sha256 + session + contract check) first {load.Elapsed.TotalMilliseconds:0.0} ms, median of 10 more {loads[5]:0.0} ms; "
                + $"one more session adds {(ws1 - ws0) / 1024.0:0} KiB working set, {(heap1 - heap0) / 1024.0:0.0} KiB managed heap"
        );
        GC.KeepAlive(extra);
        extra.Dispose();
    }

    private sealed class ManualTime : TimeProvider
    {
        public long Now { get; set; }
        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Now;
    }
}
