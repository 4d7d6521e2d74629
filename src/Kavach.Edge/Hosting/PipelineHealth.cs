using Kavach.Edge.Risk;

namespace Kavach.Edge.Hosting;

/// <summary>
/// The rule that decides whether the daemon may tell systemd "still alive" (WATCHDOG=1) and touch its
/// heartbeat file: the pipeline completed a tick within the last <see cref="MaxTickPeriods"/> tick
/// periods, and no stage has stalled. A stage whose loop has exited for good raises a fault whose
/// message starts with <see cref="StalledPrefix"/> ("crashed"); any such fault counts as stalled, so
/// the watchdog lapses and systemd restarts the unit. Other faults (a stale sensor, a full disk) are
/// FAULT on the outputs but not a reason to restart: a restart would not cure them. Pure and thread-safe.
/// </summary>
public sealed class PipelineHealth(TimeProvider time, TimeSpan tickPeriod)
{
    /// <summary>How many tick periods may pass without a tick before the pipeline counts as hung.</summary>
    public const int MaxTickPeriods = 3;

    /// <summary>Fault messages starting with this mark a stage whose loop has exited (see PipelineService).</summary>
    public const string StalledPrefix = "crashed";

    /// <summary>The oldest a last tick may be and still count as healthy.</summary>
    public TimeSpan MaxTickAge { get; } = tickPeriod * MaxTickPeriods;

    /// <summary>Healthy, or the reason it is not.</summary>
    public (bool Healthy, string Reason) Check(long lastTickTimestamp, IReadOnlyCollection<string> faults)
    {
        if (lastTickTimestamp == long.MinValue) return (false, "the pipeline has not ticked yet");
        var age = time.GetElapsedTime(lastTickTimestamp);
        if (age > MaxTickAge)
            return (false, $"the last pipeline tick is {age.TotalMilliseconds:0} ms old (limit {MaxTickAge.TotalMilliseconds:0} ms)");
        foreach (var f in faults)
        {
            // StageFaults.Snapshot lines are "component: message"
            var colon = f.IndexOf(": ", StringComparison.Ordinal);
            var message = colon < 0 ? f : f[(colon + 2)..];
            if (message.StartsWith(StalledPrefix, StringComparison.OrdinalIgnoreCase)) return (false, "stalled stage: " + f);
        }
        return (true, "ok");
    }

    /// <summary>Convenience overload on the live objects.</summary>
    public (bool Healthy, string Reason) Check(Pipeline.Pipeline pipeline, StageFaults faults) => Check(pipeline.LastTick, faults.Snapshot());
}
