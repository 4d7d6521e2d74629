namespace Kavach.Edge.Commissioning;

/// <summary>
/// The commissioned static scene, for stages that may pass over what was there in clear air with the track
/// empty (the safety floor may read it to ignore static clutter; it does not yet). Immutable after start; thread-safe.
/// </summary>
public interface ICommissionedScene
{
    /// <summary>A record was loaded.</summary>
    bool Commissioned { get; }

    /// <summary>The commissioned reference range, m (null: none).</summary>
    double? ReferenceRangeM { get; }

    /// <summary>Ranges of the static returns the LiDAR at <paramref name="sensor"/> (configuration index) saw, m.</summary>
    IReadOnlyList<double> StaticLidarRangesM(int sensor);

    /// <summary>Ranges of the static targets above the clutter gate the radar at <paramref name="sensor"/> saw, m.</summary>
    IReadOnlyList<double> StaticRadarRangesM(int sensor);
}
