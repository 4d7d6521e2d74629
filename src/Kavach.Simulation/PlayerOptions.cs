namespace Kavach.Simulation;

/// <summary>How <see cref="ScenarioPlayer"/> plays a scenario. Defaults in the initialisers.</summary>
public sealed record PlayerOptions
{
    /// <summary>Scenario seconds per wall second (1 = real time, 10 = ten times faster).</summary>
    public double Speed { get; init; } = 1;

    /// <summary>Multiplies every sensor's frame rate (0.1 = a tenth of the frames).</summary>
    public double RateScale { get; init; } = 1;

    /// <summary>Overrides the scenario's seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Play only these sensors (null = every sensor of the scenario).</summary>
    public IReadOnlyCollection<string>? Sensors { get; init; }

    /// <summary>Start again at t = 0 after the end, for ever (random streams continue).</summary>
    public bool Loop { get; init; }

    /// <summary>Called with the world state every <see cref="StepIntervalS"/> of scenario time (on a pool thread).</summary>
    public Action<WorldState>? OnStep { get; init; }

    /// <summary>Scenario seconds between <see cref="OnStep"/> calls.</summary>
    public double StepIntervalS { get; init; } = 1;

    /// <summary>Called when a sensor's output fails to open or to write (the player then reopens it).</summary>
    public Action<string, Exception>? OnOutputError { get; init; }

    /// <summary>
    /// Wall seconds a sensor may fall behind its schedule (a blocked output, a stalled machine) before the
    /// frames it missed are dropped instead of sent in a burst, as a real sensor would drop them.
    /// </summary>
    public double MaxLagS { get; init; } = 1;

    /// <summary>First wait before reopening a failed output; doubles per failure up to <see cref="ReopenMaxDelay"/>.</summary>
    public TimeSpan ReopenInitialDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait between reopen attempts.</summary>
    public TimeSpan ReopenMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Bytes gathered into one write (frames due at the same moment share a write).</summary>
    public int WriteBufferBytes { get; init; } = 16 * 1024;
}

/// <summary>What the player did for one sensor. Written by the sensor's task; read any time (values may be a frame old).</summary>
public sealed class PlayerSensorCounters
{
    /// <summary>Frames sampled (faulty frames included).</summary>
    public long Frames;

    /// <summary>Bytes written to the output.</summary>
    public long Bytes;

    /// <summary>Writes to the output.</summary>
    public long Writes;

    /// <summary>Frames dropped because the output was down or the sensor fell behind.</summary>
    public long SkippedFrames;

    /// <summary>Times the output was (re)opened.</summary>
    public long Opens;

    /// <summary>Open or write failures.</summary>
    public long Failures;
}
