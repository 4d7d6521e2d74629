namespace Kavach.Protocols;

/// <summary>
/// One sensor JSON line (the original design's format), validated. Absent numbers are NaN.
/// LiDAR: <c>{"sensor":"lidar","distance":12.3,"c":0.98,"strength":1200}</c>;
/// radar: <c>{"sensor":"radar","speed":4.2,"range":180.0,"snr":21.5,"targets":2}</c>;
/// camera: <c>{"sensor":"camera","visibility":0.35,"id":"f-17"}</c> or <c>"visibility_m":700</c>.
/// </summary>
public readonly struct JsonLineFrame
{
    /// <summary>The sensor kind: the line's "sensor" field, else the decoder's default kind.</summary>
    public SensorKind Kind { get; init; }

    /// <summary>LiDAR: the frame is well formed but reports no valid return ("distance": null, or "c": 0).</summary>
    public bool NoReturn { get; init; }

    /// <summary>LiDAR distance, metres (NaN when no return).</summary>
    public float DistanceM { get; init; }

    /// <summary>LiDAR confidence 0–1 ("c"), NaN when absent.</summary>
    public float Confidence { get; init; }

    /// <summary>LiDAR raw return strength ("strength", sensor units), NaN when absent.</summary>
    public float Strength { get; init; }

    /// <summary>Radar: range to the nearest target, metres; NaN when the radar reports no target ("range": null).</summary>
    public float RangeM { get; init; }

    /// <summary>Radar: closing speed m/s ("speed"), positive when approaching; NaN when absent.</summary>
    public float ClosingSpeedMps { get; init; }

    /// <summary>Radar: SNR of the nearest target in dB ("snr"), NaN when absent.</summary>
    public float SnrDb { get; init; }

    /// <summary>Radar: number of targets ("targets"), −1 when absent.</summary>
    public int Targets { get; init; }

    /// <summary>Camera: normalised visibility 0–1 ("visibility", 1 = clear), NaN when absent.</summary>
    public float Visibility { get; init; }

    /// <summary>Camera: visibility in metres ("visibility_m"), NaN when absent.</summary>
    public float VisibilityM { get; init; }

    /// <summary>Optional sender timestamp ("ts"), Unix seconds; NaN when absent. Informational only: the daemon times readings by its own
    /// monotonic clock.</summary>
    public double TimestampUnixS { get; init; }
}
