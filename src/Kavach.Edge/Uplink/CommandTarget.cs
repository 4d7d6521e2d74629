using Kavach.Edge.Alarm;

namespace Kavach.Edge.Uplink;

/// <summary>What remote commands act on: the alarm's operator controls (tests give a fake).</summary>
public interface ICommandTarget
{
    CommandOutcome Acknowledge(long? episode, string by, CommandSource source);
    CommandOutcome StartMaintenance(TimeSpan duration, string by, CommandSource source);
    CommandOutcome EndMaintenance(string by, CommandSource source);

    /// <summary>The RiskState.Change that opened the current alarm episode.</summary>
    long CurrentEpisode { get; }
}

/// <summary>The real target: <see cref="AlarmControl"/>.</summary>
public sealed class AlarmCommandTarget(AlarmControl alarm) : ICommandTarget
{
    public CommandOutcome Acknowledge(long? episode, string by, CommandSource source) => alarm.Acknowledge(episode, by, source);

    public CommandOutcome StartMaintenance(TimeSpan duration, string by, CommandSource source) =>
        alarm.StartMaintenance(duration, by, source);

    public CommandOutcome EndMaintenance(string by, CommandSource source) => alarm.EndMaintenance(by, source);

    public long CurrentEpisode => alarm.CurrentEpisode;
}
