namespace Kavach.Edge.Configuration;

/// <summary><c>Risk</c> section: the deterministic safety floor's thresholds and the risk state's timing.</summary>
public sealed class RiskOptions
{
    /// <summary>Protected zone: an obstacle closer than this (from the sensor post) for <see cref="ConfirmMs"/> is HIGH, whatever its
    /// speed.</summary>
    public double StoppingDistanceM { get; set; } = 150;

    /// <summary>HIGH when an approaching obstacle's time-to-collision (range / closing speed) is below this.</summary>
    public double TtcThresholdS { get; set; } = 8;

    /// <summary>HIGH when an approaching obstacle will be inside the protected zone within this time (time to react).</summary>
    public double ReactionTimeS { get; set; } = 2;

    /// <summary>How long an obstacle must be seen in the zone before HIGH (rejects single-frame glitches).</summary>
    public int ConfirmMs { get; set; } = 500;

    /// <summary>Closing speed below which an obstacle counts as not approaching.</summary>
    public double MinClosingSpeedMps { get; set; } = 0.5;

    /// <summary>MEDIUM when visibility is this or less (IMD moderate fog or worse: 500 m).</summary>
    public double MediumVisibilityM { get; set; } = 500;

    /// <summary>Visibility must rise this far above <see cref="MediumVisibilityM"/> before the fog MEDIUM clears.</summary>
    public double VisibilityHysteresisM { get; set; } = 100;

    /// <summary>HIGH is held at least this long.</summary>
    public int HighHoldMs { get; set; } = 3000;

    /// <summary>MEDIUM is held at least this long.</summary>
    public int MediumHoldMs { get; set; } = 2000;

    /// <summary>FAULT is held at least this long once the cause is gone (a flapping sensor does not chatter).</summary>
    public int FaultHoldMs { get; set; } = 1000;

    /// <summary>At start-up the unit is FAULT ("starting"); for this long the lamps show it but the buzzer stays quiet.</summary>
    public int StartupGraceMs { get; set; } = 15000;

    /// <summary>LiDAR returns nearer than this, weak and not confirmed by radar, may be fog backscatter.</summary>
    public double BackscatterMaxRangeM { get; set; } = 10;

    /// <summary>Fraction of a window's LiDAR frames that must show a return at about the same range for a LiDAR-only obstacle.</summary>
    public double MinPersistence { get; set; } = 0.7;

    /// <summary>A radar target within this many metres of a LiDAR return confirms it.</summary>
    public double ConfirmToleranceM { get; set; } = 3;

    /// <summary>Above this visibility it is simply clear (LiDAR attenuation is too small to measure beyond about 1 km).</summary>
    public double ClearVisibilityM { get; set; } = 1000;

    /// <summary>Range of a commissioned static reference target (a reflector beside the track, off the
    /// fouling area) that LiDAR and radar see in clear air; static returns there are the reference, not an obstacle. 0 = none.</summary>
    public double ReferenceRangeM { get; set; }

    /// <summary>A LiDAR-only near return weaker than this fraction of the clear-air baseline at its range is taken for fog
    /// backscatter.</summary>
    public double BackscatterStrengthFraction { get; set; } = 0.1;

    /// <summary>Least fraction of a radar's frames in the window that must show the target.</summary>
    public double MinRadarPresence { get; set; } = 0.5;

    internal void Read(ConfigReader r)
    {
        StoppingDistanceM = r.Double("StoppingDistanceM", StoppingDistanceM, 1, 5000);
        TtcThresholdS = r.Double("TtcThresholdS", TtcThresholdS, 0, 600);
        ReactionTimeS = r.Double("ReactionTimeS", ReactionTimeS, 0, 600);
        ConfirmMs = r.Int("ConfirmMs", ConfirmMs, 0, 60_000);
        MinClosingSpeedMps = r.Double("MinClosingSpeedMps", MinClosingSpeedMps, 0, 50);
        MediumVisibilityM = r.Double("MediumVisibilityM", MediumVisibilityM, 10, 10_000);
        VisibilityHysteresisM = r.Double("VisibilityHysteresisM", VisibilityHysteresisM, 0, 5_000);
        HighHoldMs = r.Int("HighHoldMs", HighHoldMs, 0, 600_000);
        MediumHoldMs = r.Int("MediumHoldMs", MediumHoldMs, 0, 600_000);
        FaultHoldMs = r.Int("FaultHoldMs", FaultHoldMs, 0, 600_000);
        StartupGraceMs = r.Int("StartupGraceMs", StartupGraceMs, 0, 600_000);
        BackscatterMaxRangeM = r.Double("BackscatterMaxRangeM", BackscatterMaxRangeM, 0, 100);
        MinPersistence = r.Double("MinPersistence", MinPersistence, 0.05, 1);
        ConfirmToleranceM = r.Double("ConfirmToleranceM", ConfirmToleranceM, 0.1, 100);
        ClearVisibilityM = r.Double("ClearVisibilityM", ClearVisibilityM, 100, 100_000);
        ReferenceRangeM = r.Double("ReferenceRangeM", ReferenceRangeM, 0, 10_000);
        BackscatterStrengthFraction = r.Double("BackscatterStrengthFraction", BackscatterStrengthFraction, 0, 1);
        MinRadarPresence = r.Double("MinRadarPresence", MinRadarPresence, 0.05, 1);
        if (ClearVisibilityM < MediumVisibilityM)
            r.Error("ClearVisibilityM", $"must be at least MediumVisibilityM ({MediumVisibilityM})");
    }
}
