namespace Kavach.Edge.Configuration;

/// <summary><c>Storage</c> section: the local SQLite database.</summary>
public sealed class StorageOptions
{
    /// <summary>Database file. Default: $STATE_DIRECTORY/kavach.db under systemd (/var/lib/kavach), else ./data/kavach.db.</summary>
    public string Path { get; set; } = "";

    /// <summary>Bound of the one queue of risk changes and operator events waiting to be written; what a full queue refuses is counted and
    /// the "output storage" fault stays until it drains (never dropped silently).</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>Per-second reading summaries and sensor health changes are committed together this often (alerts and acks are committed at
    /// once).</summary>
    public int FlushMs { get; set; } = 5000;

    /// <summary>A commit (a batch of alerts, a flush) that has not returned after this long — a hung disk, a blocked fsync — is a storage
    /// FAULT until it returns.</summary>
    public int CommitTimeoutMs { get; set; } = 5000;

    /// <summary>Summaries, health changes, refused commands and LOW/MEDIUM events older than this are deleted (only by a synchronised
    /// clock); HIGH and FAULT events and accepted operator events are kept.</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>Above this database size the oldest summaries (then health changes, then LOW/MEDIUM events) go first, whatever their
    /// age.</summary>
    public int MaxSizeMb { get; set; } = 2048;

    internal void Read(ConfigReader r, bool underSystemd)
    {
        Path = r.String("Path", DefaultPath(underSystemd), allowEmpty: false);
        QueueCapacity = r.Int("QueueCapacity", QueueCapacity, 64, 1 << 20);
        FlushMs = r.Int("FlushMs", FlushMs, 200, 600_000);
        CommitTimeoutMs = r.Int("CommitTimeoutMs", CommitTimeoutMs, 100, 600_000);
        RetentionDays = r.Int("RetentionDays", RetentionDays, 1, 36_500);
        MaxSizeMb = r.Int("MaxSizeMb", MaxSizeMb, 8, 1_000_000);
    }

    private static string DefaultPath(bool underSystemd)
    {
        if (!underSystemd)
            return System.IO.Path.Combine("data", "kavach.db");
        var state = Environment.GetEnvironmentVariable("STATE_DIRECTORY");
        return System.IO.Path.Combine(string.IsNullOrEmpty(state) ? "/var/lib/kavach" : state.Split(':')[0], "kavach.db");
    }
}
