using Kavach.Edge.Configuration;
using Serilog;
using Serilog.Core;
using Serilog.Sinks.SystemConsole.Themes;

namespace Kavach.Edge.Hosting;

/// <summary>Serilog configured in code from <see cref="LoggingOptions"/> (Serilog.Settings.Configuration is not trim-safe).</summary>
public static class Logging
{
    /// <summary>A property that keeps an event off the console (start-up failures print their own one line there).</summary>
    public const string FileOnly = "FileOnly";

    public static Logger Create(LoggingOptions o, bool underSystemd, bool quietConsole = false)
    {
        var config = new LoggerConfiguration()
            .MinimumLevel.Is(o.Level)
            .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext();
        if (o.Console && !quietConsole)
        {
            // journald stamps lines itself; a terminal gets a time and colours, a pipe gets no colours.
            var template = underSystemd
                ? "[{Level:u3}] {Message:lj}{NewLine}{Exception}"
                : "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}";
            var theme = Console.IsOutputRedirected || underSystemd ? ConsoleTheme.None : AnsiConsoleTheme.Code;
            config = config.WriteTo.Logger(c =>
                c.Filter.ByExcluding(Serilog.Filters.Matching.WithProperty(FileOnly))
                    .WriteTo.Console(
                        outputTemplate: template,
                        theme: theme,
                        standardErrorFromLevel: Serilog.Events.LogEventLevel.Fatal,
                        formatProvider: System.Globalization.CultureInfo.InvariantCulture
                    )
            );
        }
        if (o.File.Length > 0)
        {
            config = config.WriteTo.File(
                o.File,
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}",
                fileSizeLimitBytes: o.FileSizeLimitMb * 1024L * 1024L,
                rollOnFileSizeLimit: true,
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: o.RetainedFiles,
                buffered: false,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture
            );
        }
        return config.CreateLogger();
    }
}
