namespace Kavach.Edge.Configuration;

/// <summary><c>Fusion</c> section: the fixed tick and the sliding window.</summary>
public sealed class FusionOptions
{
    /// <summary>Fusion tick period (default 100 ms = 10 Hz).</summary>
    public int TickMs { get; set; } = 100;

    /// <summary>Sliding window the features are computed over.</summary>
    public int WindowMs { get; set; } = 1000;

    /// <summary>Bound of the readings queue between the inputs and fusion; when full, new readings are dropped and counted.</summary>
    public int QueueCapacity { get; set; } = 65536;

    /// <summary>Most readings kept per sensor in one window (a 1 kHz LiDAR over 1 s); older ones are coalesced away.</summary>
    public int MaxReadingsPerWindow { get; set; } = 2048;

    internal void Read(ConfigReader r)
    {
        TickMs = r.Int("TickMs", TickMs, 10, 1000);
        WindowMs = r.Int("WindowMs", WindowMs, 100, 60_000);
        QueueCapacity = r.Int("QueueCapacity", QueueCapacity, 1024, 1 << 22);
        MaxReadingsPerWindow = r.Int("MaxReadingsPerWindow", MaxReadingsPerWindow, 16, 1 << 16);
        if (WindowMs >= 100 && WindowMs < TickMs)
            r.Error("WindowMs", $"must be at least TickMs ({TickMs})");
    }
}
