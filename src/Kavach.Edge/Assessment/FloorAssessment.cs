namespace Kavach.Edge.Assessment;

/// <summary>Where an obstacle was seen.</summary>
[Flags]
public enum ObstacleSource
{
    None = 0,
    Radar = 1,
    Lidar = 2,
}

/// <summary>
/// The deterministic safety floor's view at one tick: instantaneous conditions. Timing (confirmation,
/// hysteresis, hold) belongs to the risk state, which turns these into a level.
/// </summary>
public sealed record FloorAssessment
{
    /// <summary>Estimated visibility, m (NaN: unknown). When <see cref="VisibilityIsBound"/> it is an upper bound.</summary>
    public double VisibilityM { get; init; } = double.NaN;

    /// <summary>The estimate is an upper bound (the LiDAR lost a radar-confirmed target it would see in clear air).</summary>
    public bool VisibilityIsBound { get; init; }

    /// <summary>"lidar", "lidar-bound", "camera", or "none".</summary>
    public string VisibilitySource { get; init; } = "none";
    public FogClass FogClass => FogClasses.FromVisibility(VisibilityM);

    /// <summary>The nearest obstacle, or <see cref="ObstacleSource.None"/>.</summary>
    public ObstacleSource ObstacleSource { get; init; }
    public double ObstacleRangeM { get; init; } = double.NaN;

    /// <summary>m/s, positive approaching (radar Doppler, or a LiDAR track's slope); NaN when only a static LiDAR cluster shows
    /// it.</summary>
    public double ClosingSpeedMps { get; init; } = double.NaN;

    /// <summary>Time to collision (range / closing speed), s; +∞ when not approaching.</summary>
    public double TtcS { get; init; } = double.PositiveInfinity;

    /// <summary>Obstacle inside the protected zone now.</summary>
    public bool InZone { get; init; }

    /// <summary>Obstacle's TTC below the threshold, or it reaches the zone within the reaction time.</summary>
    public bool TtcBelow { get; init; }

    /// <summary>Obstacle approaching beyond the zone.</summary>
    public bool Approaching { get; init; }

    /// <summary>LiDAR near returns discounted as fog backscatter this tick.</summary>
    public bool BackscatterSeen { get; init; }

    /// <summary>Instantaneous floor level (before confirmation and hold): HIGH hazard, MEDIUM fog/approach, else LOW.</summary>
    public RiskLevel Level { get; init; }

    /// <summary>Short human reasons ("obstacle 62 m in zone (radar)", "visibility ≤ 372 m (lidar-bound)").</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>Locomotive mode: the train's speed against what can be seen (null on a trackside post).</summary>
    public Locomotive.CabView? Cab { get; init; }
}
