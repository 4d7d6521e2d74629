using System.Threading.Channels;

namespace Kavach.Edge.Risk;

/// <summary>
/// Fans each risk change out to the outputs, each on its own bounded queue so a slow disk or a dead
/// broker never delays another output (the alarm least of all: it reads the latest state directly).
/// Overflow policy: risk changes are never dropped silently — a subscriber whose queue is full has its
/// change counted as lost and is raised as a stage fault (FAULT), since an output that far behind
/// cannot be trusted. Publish is called only by the pipeline's tick loop.
/// </summary>
public sealed class RiskBroadcaster(StageFaults faults)
{
    private readonly List<Subscription> _subscribers = [];
    private volatile RiskState? _latest;
    private readonly Lock _lock = new();

    /// <summary>The latest published state (the alarm and the API read this).</summary>
    public RiskState? Latest => _latest;

    /// <summary>Raised after each publish, on the tick thread: keep handlers tiny (signal, don't work).</summary>
    public event Action<RiskState>? Changed;

    /// <summary>Adds a named subscriber with a queue of <paramref name="capacity"/> changes.</summary>
    public ChannelReader<RiskState> Subscribe(string name, int capacity = 1024)
    {
        var channel = Channel.CreateBounded<RiskState>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        lock (_lock) _subscribers.Add(new Subscription(name, channel));
        if (_latest is { } latest) channel.Writer.TryWrite(latest);
        return channel.Reader;
    }

    public void Publish(RiskState state)
    {
        _latest = state;
        Subscription[] subs;
        lock (_lock) subs = [.. _subscribers];
        foreach (var s in subs)
        {
            if (s.Channel.Writer.TryWrite(state)) continue;
            Interlocked.Increment(ref s.Lost);
            faults.Raise($"output {s.Name}", $"queue full, {Interlocked.Read(ref s.Lost)} risk change(s) not delivered");
        }
        Changed?.Invoke(state);
    }

    public void Complete()
    {
        lock (_lock)
            foreach (var s in _subscribers) s.Channel.Writer.TryComplete();
    }

    private sealed class Subscription(string name, Channel<RiskState> channel)
    {
        public string Name { get; } = name;
        public Channel<RiskState> Channel { get; } = channel;
        public long Lost;
    }
}
