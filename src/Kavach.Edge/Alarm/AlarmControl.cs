namespace Kavach.Edge.Alarm;

// STUB with the agreed surface of the alarm branch's AlarmControl, so the storage and uplink branch
// compiles on its own. The alarm branch's real file replaces this one when the branches are merged.

/// <summary>Where an operator command came from.</summary>
public enum CommandSource { Button, Mqtt, Api }

/// <summary>Whether a command was carried out, and why not.</summary>
public sealed record CommandOutcome(bool Accepted, string Reason);

/// <summary>An acknowledgement or maintenance change, as recorded.</summary>
public sealed record OperatorEvent(string Kind, string By, CommandSource Source, DateTimeOffset Utc, long Episode, string Detail);

/// <summary>Operator commands on the alarm (stub: refuses everything).</summary>
public sealed class AlarmControl
{
    private Action<OperatorEvent>? _recorded;

    public CommandOutcome Acknowledge(long? episode, string by, CommandSource source) => new(false, "alarm control is not available in this build");
    public CommandOutcome StartMaintenance(TimeSpan duration, string by, CommandSource source) => new(false, "alarm control is not available in this build");
    public CommandOutcome EndMaintenance(string by, CommandSource source) => new(false, "alarm control is not available in this build");
    public long CurrentEpisode => 0;
    public bool InMaintenance => false;
    public DateTimeOffset? MaintenanceUntil => null;
    public bool BuzzerSilenced => false;

    public event Action<OperatorEvent>? Recorded
    {
        add => _recorded += value;
        remove => _recorded -= value;
    }
}
