namespace Kavach.Edge.Configuration;

/// <summary>
/// Start-up found that the configuration cannot work on this machine (a GPIO chip or line that cannot be
/// opened, ...). Program maps it to exit code 2, like a configuration file error: retrying will not help,
/// a person has to fix the configuration or the machine. The message names the key, what was tried and
/// the likely fix.
/// </summary>
public sealed class ConfigurationRefusedException : Exception
{
    public ConfigurationRefusedException(string message)
        : base(message) { }

    public ConfigurationRefusedException(string message, Exception inner)
        : base(message, inner) { }

    /// <summary>True when the cause may pass by itself (a GPIO line busy or not yet permitted at boot): worth retrying for a bounded
    /// time.</summary>
    public bool Transient { get; init; }

    /// <summary>The refusal in <paramref name="e"/> (itself, or inside an AggregateException from the host).</summary>
    public static ConfigurationRefusedException? Find(Exception e) =>
        e switch
        {
            ConfigurationRefusedException c => c,
            AggregateException a => a.InnerExceptions.Select(Find).FirstOrDefault(x => x is not null),
            _ => null,
        };
}
