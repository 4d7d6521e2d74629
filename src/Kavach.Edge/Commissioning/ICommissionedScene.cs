namespace Kavach.Edge.Commissioning;

/// <summary>
/// The commissioned static scene, for stages that may pass over what was there in clear air with the track
/// empty (the safety floor passes over it: Assessment/StaticScene.cs). Immutable after start; thread-safe.
/// </summary>
public interface ICommissionedScene
{
    /// <summary>A record was loaded.</summary>
    bool Commissioned { get; }

    /// <summary>The commissioned reference range, m (null: none).</summary>
    double? ReferenceRangeM { get; }

    /// <summary>The static returns the LiDAR at <paramref name="sensor"/> (configuration index) saw; empty when none or not
    /// commissioned.</summary>
    IReadOnlyList<LidarReturn> StaticLidarReturns(int sensor);

    /// <summary>The static targets above the clutter gate the radar at <paramref name="sensor"/> saw; empty when none or not
    /// commissioned.</summary>
    IReadOnlyList<RadarTarget> StaticRadarTargets(int sensor);
}
