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
    private int _segment;

    /// <summary>A world at scenario time 0.</summary>
    public World(Scenario scenario)
    {
        _scenario = scenario ?? throw new ArgumentNullException(nameof(scenario));
        if (scenario.Timeline.Count == 0) throw new ArgumentException("the scenario has no timeline", nameof(scenario));
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

    /// <summary>An obstacle is present.</summary>
    public bool ObstaclePresent { get; private set; }

    /// <summary>Range of the obstacle from the sensor post, metres (NaN when absent).</summary>
    public double ObstacleRangeM { get; private set; }

    /// <summary>Closing speed of the obstacle, m/s, positive = approaching (NaN when absent).</summary>
    public double ObstacleClosingSpeedMps { get; private set; }

    /// <summary>The static background target, or null.</summary>
    public BackgroundTarget? Background => _scenario.Background;

    /// <summary>The obstacle's reflective properties.</summary>
    public ObstacleProperties ObstacleProperties => _scenario.Obstacle;

    /// <summary>A snapshot of the state.</summary>
    public WorldState State => new(TimeS, VisibilityM, ExtinctionPerM, ObstaclePresent,
        ObstacleRangeM, ObstacleClosingSpeedMps, _scenario.Background?.RangeM);

    /// <summary>Set the world to scenario time <paramref name="tS"/> (any order; cheapest when moving forward).</summary>
    public void AdvanceTo(double tS)
    {
        if (!double.IsFinite(tS) || tS < 0) throw new ArgumentOutOfRangeException(nameof(tS), tS, "must be a finite time ≥ 0");
        var frames = _scenario.Timeline;
        if (_segment >= frames.Count || frames[_segment].TimeS > tS) _segment = 0;
        while (_segment + 1 < frames.Count && frames[_segment + 1].TimeS <= tS) _segment++;

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
        SetObstacle(a, b, tS);
    }

    private void SetObstacle(Keyframe a, Keyframe? b, double tS)
    {
        ObstaclePresent = false;
        ObstacleRangeM = double.NaN;
        ObstacleClosingSpeedMps = double.NaN;
        if (a.Obstacle is not { } o || tS < a.TimeS) return;

        double range, closing;
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
public readonly record struct WorldState(
    double TimeS,
    double VisibilityM,
    double ExtinctionPerM,
    bool ObstaclePresent,
    double ObstacleRangeM,
    double ObstacleClosingSpeedMps,
    double? BackgroundRangeM)
{
    /// <summary>One line for a console: time, visibility, obstacle.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"t={TimeS,6:0.0}s visibility={VisibilityM,6:0}m obstacle={(ObstaclePresent ? $"{ObstacleRangeM:0.0}m closing {ObstacleClosingSpeedMps:0.0}m/s" : "none")}");
}
