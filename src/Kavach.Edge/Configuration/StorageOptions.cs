namespace Kavach.Edge.Configuration;

/// <summary><c>Storage</c> section: the local SQLite database.</summary>
public sealed class StorageOptions
{
    /// <summary>Database file. Default: $STATE_DIRECTORY/kavach.db under systemd (/var/lib/kavach), else ./data/kavach.db.</summary>
    public string Path { get; set; } = "";

    /// <summary>Bound of the queue of events waiting to be written; when full the storage stage is FAULT (events are never dropped silently).</summary>
    public int QueueCapacity { get; set; } = 4096;

    internal void Read(ConfigReader r, bool underSystemd)
    {
        Path = r.String("Path", DefaultPath(underSystemd), allowEmpty: false);
        QueueCapacity = r.Int("QueueCapacity", QueueCapacity, 64, 1 << 20);
    }

    private static string DefaultPath(bool underSystemd)
    {
        if (!underSystemd) return System.IO.Path.Combine("data", "kavach.db");
        var state = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        return System.IO.Path.Combine(string.IsNullOrEmpty(state) ? "/var/lib/kavach" : state.Split(':')[0], "kavach.db");
    }
}
