namespace Kavach.Protocols;

/// <summary>The role a sensor plays in fusion.</summary>
public enum SensorKind
{
    /// <summary>Not stated (a JSON line without a "sensor" field).</summary>
    Unspecified = 0,
    Lidar = 1,
    Radar = 2,
    Camera = 3,

    /// <summary>A GNSS receiver (own speed, course, fix; locomotive mode only: docs/locomotive.md).</summary>
    Gnss = 4,
}
