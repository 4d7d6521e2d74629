using System.Threading.Channels;

namespace Kavach.Edge.Sensors;

/// <summary>
/// The bounded queue between the inputs (many writers) and fusion (one reader).
/// Overflow policy: when full, the newest reading is dropped and counted against its sensor —
/// fusion works on windows, so losing raw readings under overload degrades, never blocks the inputs.
/// </summary>
public sealed class ReadingQueue
{
    private readonly Channel<Reading> _channel;
    private long _dropped;

    public ReadingQueue(int capacity)
    {
        Capacity = capacity;
        _channel = Channel.CreateBounded<Reading>(
            new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.Wait, // with TryWrite only: a full queue refuses, we count
                AllowSynchronousContinuations = false,
            }
        );
    }

    public int Capacity { get; }
    public long Dropped => Interlocked.Read(ref _dropped);
    public int Count => _channel.Reader.Count;
    public ChannelReader<Reading> Reader => _channel.Reader;

    /// <summary>Enqueues without waiting; false (counted) when full.</summary>
    public bool TryWrite(in Reading reading, SensorState sensor)
    {
        if (_channel.Writer.TryWrite(reading))
            return true;
        Interlocked.Increment(ref _dropped);
        sensor.CountDropped();
        return false;
    }

    public void Complete() => _channel.Writer.TryComplete();
}
