using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;

namespace Kavach.Edge.Pipeline;

/// <summary>
/// Is the pipeline alive? True while its last tick is at most <c>Alarm.MaxTickAgeMs</c> old (default two
/// tick periods, 200 ms at 10 Hz) and no stage has a crashed or stalled fault (<see cref="StageFaults.IsStall"/>).
/// The alarm's watchdog heartbeat toggles only while this holds; the systemd watchdog ping should use it
/// too. A FAULT level does not make it false: a unit that reports its own fault is alive. Thread-safe.
/// </summary>
public sealed class PipelineHealth(KavachOptions options, TickPipeline pipeline, StageFaults faults, TimeProvider time)
{
    private readonly TimeSpan _maxAge = TimeSpan.FromMilliseconds(options.Alarm.EffectiveMaxTickAgeMs(options.Fusion.TickMs));

    /// <summary>Age limit of the last tick.</summary>
    public TimeSpan MaxTickAge => _maxAge;

    /// <summary>True while every required stage is ticking.</summary>
    public bool PipelineHealthy => Check(out _);

    /// <summary>As <see cref="PipelineHealthy"/>, with the reason when not.</summary>
    public bool Check(out string reason)
    {
        var last = pipeline.LastTick;
        if (last == long.MinValue)
        {
            reason = "the pipeline has not ticked yet";
            return false;
        }
        var age = time.GetElapsedTime(last);
        if (age > _maxAge)
        {
            reason = $"the pipeline's last tick is {age.TotalMilliseconds:0} ms old (limit {_maxAge.TotalMilliseconds:0} ms)";
            return false;
        }
        if (faults.FirstStall() is { } stall)
        {
            reason = "stage stopped: " + stall;
            return false;
        }
        reason = "";
        return true;
    }
}
