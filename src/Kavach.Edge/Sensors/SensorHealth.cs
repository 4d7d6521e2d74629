namespace Kavach.Edge.Sensors;

/// <summary>
/// One sensor's input health at one moment, as the API and logs show it. Plain properties only, so the
/// API can serialise it with source-generated JSON (trim-safe). Rates are over the last ~5 s.
/// </summary>
public sealed record SensorHealth
{
    public required string Name { get; init; }

    /// <summary>lidar, radar or camera.</summary>
    public required string Kind { get; init; }

    /// <summary>Wire format (config name).</summary>
    public required string Protocol { get; init; }

    /// <summary>Transport type (config name).</summary>
    public required string Transport { get; init; }

    /// <summary>idle, listening, connecting, connected or disconnected.</summary>
    public required string Connection { get; init; }

    /// <summary>tcp-listen: clients connected now.</summary>
    public int Clients { get; init; }

    /// <summary>tcp-listen: clients closed unread because their address is not in Transport.AllowedClients.</summary>
    public long ClientsRefused { get; init; }

    /// <summary>tcp-listen: clients closed unread because Transport.MaxClients were already connected.</summary>
    public long ClientsOverLimit { get; init; }

    /// <summary>A fault of this input itself ("two sources for sensor X"), or null.</summary>
    public string? Fault { get; init; }
    public double FramesPerSecond { get; init; }
    public double BytesPerSecond { get; init; }

    /// <summary>Fraction of the frames over the rate window that carried no return (LiDAR) or no target (radar); NaN without
    /// frames.</summary>
    public double NoReturnRatio { get; init; }

    /// <summary>Rejected input runs per second over the rate window.</summary>
    public double RejectsPerSecond { get; init; }

    /// <summary>Seconds since the last decoded frame; null before the first.</summary>
    public double? LastFrameAgeS { get; init; }

    /// <summary>No frame within TimeoutMs (or never): from the fusion when its snapshot is given, else from the last frame's age.</summary>
    public bool Stale { get; init; }

    /// <summary>Output frozen (the same value for longer than FrozenMs), as the fusion computed it; null without a fusion
    /// snapshot.</summary>
    public bool? Frozen { get; init; }
    public long Frames { get; init; }
    public long Bytes { get; init; }

    /// <summary>Readings the full queue refused.</summary>
    public long Dropped { get; init; }

    /// <summary>Rejected runs by reason name (bad-checksum, ...); reasons never seen are left out.</summary>
    public required IReadOnlyDictionary<string, long> Rejects { get; init; }

    /// <summary>Reason of the last rejected run (the last, not the most frequent), or null.</summary>
    public string? LastReject { get; init; }

    /// <summary>Seconds since the last rejected run arrived; null before the first.</summary>
    public double? LastRejectAgeS { get; init; }
}
