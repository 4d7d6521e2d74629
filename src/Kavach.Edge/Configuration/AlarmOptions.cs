namespace Kavach.Edge.Configuration;

/// <summary>Which alarm output driver runs.</summary>
public enum AlarmDriver
{
    /// <summary>No hardware: the outputs' state is kept in memory and shown by the demo's console and the API.</summary>
    Simulated,
}

/// <summary><c>Alarm</c> section: the GPIO outputs (lamps, buzzer, watchdog heartbeat).</summary>
public sealed class AlarmOptions
{
    /// <summary>Output driver; <c>simulated</c> only when configured, never as a silent fallback.</summary>
    public AlarmDriver Driver { get; set; } = AlarmDriver.Simulated;

    internal void Read(ConfigReader r)
    {
        Driver = r.Choice("Driver", Driver, ("simulated", AlarmDriver.Simulated));
    }
}
