namespace Kavach.Simulation;

/// <summary>
/// The physical world of a scenario at one instant: fog extinction, the obstacle and the static background.
/// Deterministic: the state is a pure function of the scenario and the time passed to <see cref="AdvanceTo"/>
/// (no clock, no randomness; sensor noise lives in <see cref="SimSensor"/>). Not thread-safe: give each
/// thread its own instance (they are cheap).
/// </summary>
public sealed class World
{
    private readonly Scenario _scenario;
    private readonly LocomotiveScene? _loco;
    private int _segment;

    /// <summary>A world at scenario time 0.</summary>
    public World(Scenario scenario)
    {
        _scenario = scenario ?? throw new ArgumentNullException(nameof(scenario));
        if (scenario.Timeline.Count == 0)
            throw new ArgumentException("the scenario has no timeline", nameof(scenario));
        if (scenario.Platform == Platform.Locomotive)
        {
            _loco = new LocomotiveScene(scenario);
            ReachM = ScenarioReach(scenario);
        }
        AdvanceTo(0);
    }

    /// <summary>The scenario this world plays.</summary>
    public Scenario Scenario => _scenario;

    /// <summary>Scenario time, seconds.</summary>
    public double TimeS { get; private set; }

    /// <summary>Meteorological visibility, metres (keyframes interpolated linearly).</summary>
    public double VisibilityM { get; private set; }

    /// <summary>Fog extinction coefficient σ = 3.912 / V, 1/m (Koschmieder).</summary>
    public double ExtinctionPerM { get; private set; }

    /// <summary>An obstacle is present (locomotive: an object on the track ahead).</summary>
    public bool ObstaclePresent { get; private set; }

    /// <summary>Range of the obstacle from the sensor post, metres (locomotive: distance along the track from the cab); NaN when
    /// absent.</summary>
    public double ObstacleRangeM { get; private set; }

    /// <summary>Closing speed of the obstacle, m/s, positive = approaching (NaN when absent).</summary>
    public double ObstacleClosingSpeedMps { get; private set; }

    /// <summary>Where the sensors stand.</summary>
    public Platform Platform => _scenario.Platform;

    /// <summary>Locomotive: the train's speed, m/s (NaN on a trackside post).</summary>
    public double TrainSpeedMps => _loco?.SpeedMps ?? double.NaN;

    /// <summary>Locomotive: distance the cab has run along the track since time 0, metres (NaN on a trackside post).</summary>
    public double TrainDistanceM => _loco?.DistanceM ?? double.NaN;

    /// <summary>Locomotive: the cab's position and heading in the scenario plane (x east, y north from the start).</summary>
    public Pose CabPose => _loco?.Cab ?? default;

    /// <summary>Locomotive: the cab's latitude and longitude, degrees (NaN on a trackside post).</summary>
    public (double LatitudeDeg, double LongitudeDeg) CabPosition =>
        _loco is { } l ? (l.LatitudeDeg, l.LongitudeDeg) : (double.NaN, double.NaN);

    /// <summary>Locomotive: the track's curvature under the cab, 1/m, right positive (0 on a straight; NaN on a trackside post).</summary>
    public double TrackCurvaturePerM => _loco?.CurvaturePerM ?? double.NaN;

    /// <summary>Locomotive on a route (<c>train.route</c>): the cab's chainage on the route's line, metres from its first
    /// point, as the daemon measures it (NaN without a route).</summary>
    public double RouteChainageM => _loco?.RouteChainageM ?? double.NaN;

    /// <summary>
    /// Locomotive: the longest reach (maximum range) among the scenario's LiDARs and radars, metres — the ground truth's
    /// yardstick for "within the sensors' reach" (NaN on a trackside post).
    /// </summary>
    public double ReachM { get; } = double.NaN;

    /// <summary>Locomotive ground truth: an object on the track ahead is within <see cref="ReachM"/>.</summary>
    public bool ObstacleInReach => _loco is not null && ObstaclePresent && ObstacleRangeM <= ReachM;

    /// <summary>The locomotive part of the world (null on a trackside post), for the sensor models.</summary>
    internal LocomotiveScene? Scene => _loco;

    /// <summary>The static background target, or null.</summary>
    public BackgroundTarget? Background => _scenario.Background;

    /// <summary>The obstacle's reflective properties.</summary>
    public ObstacleProperties ObstacleProperties => _scenario.Obstacle;

    /// <summary>A snapshot of the state.</summary>
    public WorldState State =>
        new(
            TimeS,
            VisibilityM,
            ExtinctionPerM,
            ObstaclePresent,
            ObstacleRangeM,
            ObstacleClosingSpeedMps,
            _scenario.Background?.RangeM,
            Platform,
            TrainSpeedMps,
            TrainDistanceM,
            ObstacleInReach,
            ReachM,
            RouteChainageM
        );

    /// <summary>Set the world to scenario time <paramref name="tS"/> (any order; cheapest when moving forward).</summary>
    public void AdvanceTo(double tS)
    {
        if (!double.IsFinite(tS) || tS < 0)
            throw new ArgumentOutOfRangeException(nameof(tS), tS, "must be a finite time ≥ 0");
        var frames = _scenario.Timeline;
        if (_segment >= frames.Count || frames[_segment].TimeS > tS)
            _segment = 0;
        while (_segment + 1 < frames.Count && frames[_segment + 1].TimeS <= tS)
            _segment++;

        TimeS = tS;
        var a = frames[_segment];
        var b = _segment + 1 < frames.Count ? frames[_segment + 1] : null;
        if (tS < a.TimeS || b is null)
        {
            // Before the first keyframe, or after the last: hold its visibility.
            VisibilityM = a.VisibilityM;
        }
        else
        {
            var f = (tS - a.TimeS) / (b.TimeS - a.TimeS);
            VisibilityM = a.VisibilityM + (b.VisibilityM - a.VisibilityM) * f;
        }
        ExtinctionPerM = Fog.ExtinctionPerM(VisibilityM);
        if (_loco is null)
        {
            SetObstacle(a, b, tS);
            return;
        }
        _loco.Update(tS);
        ObstacleRangeM = _loco.TrackObstacleRangeM;
        ObstacleClosingSpeedMps = _loco.TrackObstacleClosingSpeedMps;
        ObstaclePresent = !double.IsNaN(ObstacleRangeM);
    }

    /// <summary>The longest maximum range among the scenario's LiDARs and radars (0 without any).</summary>
    internal static double ScenarioReach(Scenario scenario)
    {
        var reach = 0.0;
        foreach (var s in scenario.Sensors)
        {
            if (s.Kind is not (Kavach.Protocols.SensorKind.Lidar or Kavach.Protocols.SensorKind.Radar))
                continue;
            reach = Math.Max(reach, s.MaxRangeM ?? SensorModelDefaults.For(s.EffectiveVariant).MaxRangeM);
        }
        return reach;
    }

    private void SetObstacle(Keyframe a, Keyframe? b, double tS)
    {
        ObstaclePresent = false;
        ObstacleRangeM = double.NaN;
        ObstacleClosingSpeedMps = double.NaN;
        if (a.Obstacle is not { } o || tS < a.TimeS)
            return;

        double range,
            closing;
        if (b?.Obstacle is { } next)
        {
            // Both ends known: the range moves linearly; the closing speed is its rate of change.
            closing = (o.RangeM - next.RangeM) / (b.TimeS - a.TimeS);
            range = o.RangeM - closing * (tS - a.TimeS);
        }
        else
        {
            // The obstacle keeps its stated speed until the next keyframe removes it (or for ever after the last).
            closing = o.ClosingSpeedMps ?? 0;
            range = o.RangeM - closing * (tS - a.TimeS);
            if (range < MinObstacleRangeM)
            {
                range = MinObstacleRangeM;
                closing = 0;
            }
        }
        ObstaclePresent = true;
        ObstacleRangeM = range;
        ObstacleClosingSpeedMps = closing;
    }

    /// <summary>An obstacle extrapolated towards the post stops here rather than passing through it.</summary>
    public const double MinObstacleRangeM = 0.5;
}

/// <summary>A snapshot of the <see cref="World"/> (what the demo prints per step).</summary>
/// <param name="TimeS">Scenario time, seconds.</param>
/// <param name="VisibilityM">Meteorological visibility, metres.</param>
/// <param name="ExtinctionPerM">Fog extinction σ, 1/m.</param>
/// <param name="ObstaclePresent">An obstacle is present.</param>
/// <param name="ObstacleRangeM">Obstacle range, metres (NaN when absent).</param>
/// <param name="ObstacleClosingSpeedMps">Obstacle closing speed, m/s, positive = approaching (NaN when absent).</param>
/// <param name="BackgroundRangeM">Range of the static background target, metres, or null.</param>
/// <param name="Platform">Where the sensors stand.</param>
/// <param name="TrainSpeedMps">Locomotive: the train's speed, m/s (NaN on a trackside post).</param>
/// <param name="TrainDistanceM">Locomotive: distance run along the track, metres (NaN on a trackside post).</param>
/// <param name="ObstacleInReach">Locomotive ground truth: an object on the track ahead is within <paramref name="ReachM"/>.</param>
/// <param name="ReachM">Locomotive: the longest maximum range among the LiDARs and radars, metres (NaN on a trackside post).</param>
/// <param name="RouteChainageM">Locomotive on a route: the cab's chainage on the route's line, metres (NaN otherwise).</param>
public readonly record struct WorldState(
    double TimeS,
    double VisibilityM,
    double ExtinctionPerM,
    bool ObstaclePresent,
    double ObstacleRangeM,
    double ObstacleClosingSpeedMps,
    double? BackgroundRangeM,
    Platform Platform = Platform.Trackside,
    double TrainSpeedMps = double.NaN,
    double TrainDistanceM = double.NaN,
    bool ObstacleInReach = false,
    double ReachM = double.NaN,
    double RouteChainageM = double.NaN
)
{
    /// <summary>
    /// The state as one JSON line (no line end), the ground truth <c>kavach-sim run --truth</c> writes: time, visibility,
    /// the obstacle, and on a locomotive the train's speed and distance, whether an object on the track is within reach.
    /// Unknown numbers are null.
    /// </summary>
    public string ToJsonLine()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        static string N(double x, string format) =>
            double.IsFinite(x) ? x.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "null";
        var b = new System.Text.StringBuilder(256);
        b.Append(inv, $"{{\"tS\":{N(TimeS, "0.###")},\"platform\":\"{SimNames.Name(Platform)}\",\"visibilityM\":{N(VisibilityM, "0.#")}");
        b.Append(inv, $",\"obstaclePresent\":{(ObstaclePresent ? "true" : "false")},\"obstacleRangeM\":{N(ObstacleRangeM, "0.###")}");
        b.Append(inv, $",\"obstacleClosingSpeedMps\":{N(ObstacleClosingSpeedMps, "0.###")}");
        if (Platform == Platform.Locomotive)
        {
            b.Append(inv, $",\"trainSpeedMps\":{N(TrainSpeedMps, "0.###")},\"trainSpeedKmh\":{N(TrainSpeedKmh, "0.##")}");
            b.Append(
                inv,
                $",\"trainDistanceM\":{N(TrainDistanceM, "0.###")},\"obstacleInReach\":{(ObstacleInReach ? "true" : "false")},\"reachM\":{N(ReachM, "0.#")}"
            );
            if (double.IsFinite(RouteChainageM))
                b.Append(inv, $",\"routeChainageM\":{N(RouteChainageM, "0.###")}");
        }
        return b.Append('}').ToString();
    }

    /// <summary>The train's speed in km/h (NaN on a trackside post).</summary>
    public double TrainSpeedKmh => TrainSpeedMps * 3.6;

    /// <summary>One line for a console: time, visibility, obstacle (locomotive: the train's speed and distance, the obstacle on the
    /// track).</summary>
    public override string ToString() =>
        Platform == Platform.Locomotive
            ? string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"t={TimeS, 6:0.0}s visibility={VisibilityM, 6:0}m train={TrainSpeedKmh, 5:0.0}km/h at {TrainDistanceM, 6:0}m obstacle on track={(ObstaclePresent ? $"{ObstacleRangeM:0.0}m ahead, {(ObstacleInReach ? "in" : "beyond")} reach {ReachM:0}m" : "none")}"
            )
            : string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"t={TimeS, 6:0.0}s visibility={VisibilityM, 6:0}m obstacle={(ObstaclePresent ? $"{ObstacleRangeM:0.0}m closing {ObstacleClosingSpeedMps:0.0}m/s" : "none")}"
            );
}
