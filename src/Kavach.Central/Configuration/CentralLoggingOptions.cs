using Kavach.Edge.Configuration;
using Serilog.Events;

namespace Kavach.Central.Configuration;

/// <summary><c>Logging</c> section: the console (journald under systemd) and an optional rolling file.</summary>
public sealed class CentralLoggingOptions
{
    public LogEventLevel Level { get; set; } = LogEventLevel.Information;

    /// <summary>Rolling log file; "" (the default) = console only.</summary>
    public string File { get; set; } = "";

    public int FileSizeLimitMb { get; set; } = 50;
    public int RetainedFiles { get; set; } = 10;

    internal void Read(ConfigReader r)
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
        File = r.String("File", File);
        FileSizeLimitMb = r.Int("FileSizeLimitMb", FileSizeLimitMb, 1, 10_240);
        RetainedFiles = r.Int("RetainedFiles", RetainedFiles, 1, 1000);
    }
}
