using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Model;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Protocols;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// The pipeline's stages wired by hand on a <see cref="FakeTimeProvider"/>: tests feed readings,
/// advance time and step ticks, without sockets or sleeping.
/// </summary>
public sealed class PipelineHarness
{
    public PipelineHarness(
        KavachOptions? options = null,
        ISafetyFloor? floor = null,
        Func<KavachOptions, ModelLayer>? model = null,
        Kavach.Edge.Commissioning.ICommissionedScene? scene = null
    )
    {
        Options = options ?? TestConfig.Valid();
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        Fusion = new FusionEngine(Options, Time, scene);
        Floor = floor ?? new SafetyFloor(Options, scene);
        Risk = new RiskStateMachine(Options, Time);
        Faults = new StageFaults();
        Broadcaster = new RiskBroadcaster();
        Model = model?.Invoke(Options);
        Pipeline = new Pipeline.TickPipeline(
            Fusion,
            Floor,
            Risk,
            Broadcaster,
            Faults,
            Time,
            NullLogger<Pipeline.TickPipeline>.Instance,
            model: Model
        );
        Broadcaster.Changed += s => Changes.Add(s);
    }

    public KavachOptions Options { get; }
    public FakeTimeProvider Time { get; }
    public FusionEngine Fusion { get; }
    public ISafetyFloor Floor { get; }

    /// <summary>The model layer (null: the floor alone, as before the model existed).</summary>
    public ModelLayer? Model { get; }
    public RiskStateMachine Risk { get; }
    public StageFaults Faults { get; }
    public RiskBroadcaster Broadcaster { get; }
    public Pipeline.TickPipeline Pipeline { get; }
    public List<RiskState> Changes { get; } = [];
    public RiskLevel Level => Risk.Current.Level;

    public int IndexOf(string name) => Options.Sensors.FindIndex(s => s.Name == name);

    public void Lidar(string name, float? distanceM, float strength = float.NaN)
    {
        var i = IndexOf(name);
        var r = Reading.Empty(i, SensorKind.Lidar, Time.GetTimestamp());
        r.NoReturn = distanceM is null;
        r.DistanceM = distanceM ?? float.NaN;
        r.Strength = strength;
        Fusion.Add(r);
    }

    public void Radar(string name, float? rangeM, float closingSpeedMps = 0, float snrDb = 20)
    {
        var i = IndexOf(name);
        var r = Reading.Empty(i, SensorKind.Radar, Time.GetTimestamp());
        r.RangeM = rangeM ?? float.NaN;
        r.ClosingSpeedMps = rangeM is null ? float.NaN : closingSpeedMps;
        r.SnrDb = snrDb;
        r.Targets = rangeM is null ? 0 : 1;
        Fusion.Add(r);
    }

    public void Camera(string name, float visibilityM)
    {
        var r = Reading.Empty(IndexOf(name), SensorKind.Camera, Time.GetTimestamp());
        r.VisibilityM = visibilityM;
        Fusion.Add(r);
    }

    /// <summary>
    /// Runs <paramref name="seconds"/> of world time at the fusion tick: before each tick,
    /// <paramref name="feed"/> sends that tick's readings (a LiDAR at 100 Hz sends 10 per tick).
    /// Returns the level at the end.
    /// </summary>
    public RiskLevel Run(double seconds, Action<PipelineHarness, int>? feed)
    {
        var tick = TimeSpan.FromMilliseconds(Options.Fusion.TickMs);
        var ticks = (int)Math.Round(seconds * 1000 / Options.Fusion.TickMs);
        for (var t = 0; t < ticks; t++)
        {
            feed?.Invoke(this, t);
            Time.Advance(tick);
            Pipeline.Step();
        }
        return Level;
    }

    /// <summary>A live world: LiDAR at 100 Hz (10 per tick) with noise-free values, radar and camera per tick.</summary>
    public static Action<PipelineHarness, int> World(
        float? lidarM,
        float lidarStrength,
        float? radarM,
        float closing = 0,
        float? cameraM = null
    ) =>
        (h, t) =>
        {
            for (var k = 0; k < 10; k++)
            {
                // a live sensor jitters: vary the last digits so the frozen-output check stays quiet
                var j = ((t * 10 + k) % 7) * 0.01f;
                h.Lidar("lidar", lidarM is { } d ? d + j : null, lidarStrength + j * 100);
            }
            h.Radar("radar", radarM is { } r ? r + ((t % 5) * 0.02f) : null, closing + (t % 3) * 0.001f);
            if (cameraM is { } c && h.IndexOf("camera") >= 0)
                h.Camera("camera", c + (t % 3));
        };
}
