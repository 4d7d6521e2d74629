using Serilog.Events;

namespace Kavach.Edge.Configuration;

/// <summary><c>Logging</c> section: console (journald) and a small rolling file (SD cards wear out).</summary>
public sealed class LoggingOptions
{
    /// <summary>Lowest level written.</summary>
    public LogEventLevel Level { get; set; } = LogEventLevel.Information;

    /// <summary>Rolling log file; "" = none. Default: $LOGS_DIRECTORY/kavach-edge.log under systemd, else
    /// ./data/logs/kavach-edge.log.</summary>
    public string File { get; set; } = "";

    /// <summary>Size cap of one log file.</summary>
    public int FileSizeLimitMb { get; set; } = 5;

    /// <summary>Log files kept.</summary>
    public int RetainedFiles { get; set; } = 4;

    /// <summary>Write to the console (journald under systemd).</summary>
    public bool Console { get; set; } = true;

    internal void Read(ConfigReader r, bool underSystemd)
    {
        Level = r.Choice(
            "Level",
            Level,
            ("verbose", LogEventLevel.Verbose),
            ("debug", LogEventLevel.Debug),
            ("information", LogEventLevel.Information),
            ("warning", LogEventLevel.Warning),
            ("error", LogEventLevel.Error)
        );
        File = r.String("File", DefaultFile(underSystemd));
        FileSizeLimitMb = r.Int("FileSizeLimitMb", FileSizeLimitMb, 1, 1024);
        RetainedFiles = r.Int("RetainedFiles", RetainedFiles, 1, 100);
        Console = r.Bool("Console", Console);
    }

    private static string DefaultFile(bool underSystemd)
    {
        if (!underSystemd)
            return System.IO.Path.Combine("data", "logs", "kavach-edge.log");
        var logs = Environment.GetEnvironmentVariable("LOGS_DIRECTORY");
        return System.IO.Path.Combine(string.IsNullOrEmpty(logs) ? "/var/log/kavach" : logs.Split(':')[0], "kavach-edge.log");
    }
}
