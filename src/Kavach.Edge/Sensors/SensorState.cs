using Kavach.Edge.Configuration;
using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// Live input-side health of one configured sensor: connection state and counters, summed over all
/// its connections. Written by the transport's connection handlers (once per received chunk, not per
/// frame), read by anyone: every member is thread-safe.
/// </summary>
public sealed partial class SensorState
{
    private readonly long[] _rejects = new long[RejectReasons.Count];
    private long _connects, _frames, _noReturn, _bytes, _rejectedBytes, _dropped, _lastFrame = long.MinValue;
    private int _state, _clients;

    public SensorState(int index, SensorOptions options)
    {
        Index = index;
        Options = options;
    }

    public int Index { get; }
    public SensorOptions Options { get; }
    public string Name => Options.Name;
    public SensorKind Kind => Options.Kind;

    public ConnectionState Connection => (ConnectionState)Volatile.Read(ref _state);
    public int Clients => Volatile.Read(ref _clients);
    public long Frames => Interlocked.Read(ref _frames);
    public long NoReturn => Interlocked.Read(ref _noReturn);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long RejectedBytes => Interlocked.Read(ref _rejectedBytes);
    /// <summary>Readings the full queue refused (overflow policy: drop newest, count).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last decoded frame, or long.MinValue.</summary>
    public long LastFrameTimestamp => Interlocked.Read(ref _lastFrame);
    /// <summary>The reason of the last rejected run (logs and API).</summary>
    public RejectReason? LastReject { get; private set; }

    public long Rejects(RejectReason reason) => Interlocked.Read(ref _rejects[(int)reason]);

    public long TotalRejects
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _rejects.Length; i++) sum += Interlocked.Read(ref _rejects[i]);
            return sum;
        }
    }

    /// <summary>Sets the connection state; returns the previous one (callers log on change only).</summary>
    public ConnectionState SetConnection(ConnectionState state)
    {
        var previous = (ConnectionState)Interlocked.Exchange(ref _state, (int)state);
        if (state == ConnectionState.Connected && previous != ConnectionState.Connected) Interlocked.Increment(ref _connects);
        return previous;
    }

    /// <summary>How many times the connection became <see cref="ConnectionState.Connected"/> (a new session each).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    public int ClientConnected() => Interlocked.Increment(ref _clients);
    public int ClientDisconnected() => Interlocked.Decrement(ref _clients);

    public void CountDropped() => Interlocked.Increment(ref _dropped);

    /// <summary>Adds frames routed to this sensor.</summary>
    public void AddFrames(int frames, int noReturn)
    {
        Interlocked.Add(ref _frames, frames);
        if (noReturn != 0) Interlocked.Add(ref _noReturn, noReturn);
    }

    /// <summary>Adds a binary decoder's counters into the totals and resets them (called after each chunk);
    /// the last reject reason is the most frequent one of the chunk.</summary>
    public void Absorb(DecoderCounters c)
    {
        var last = RejectReason.BadHeader;
        long most = 0;
        if (c.RejectedBytes != 0)
            for (var i = 0; i < RejectReasons.Count; i++)
                if (c.Rejects((RejectReason)i) > most) { most = c.Rejects((RejectReason)i); last = (RejectReason)i; }
        Absorb(c, last);
    }

    /// <summary>Adds a decoder's counters into the totals and resets them (called after each chunk).</summary>
    public void Absorb(DecoderCounters c, RejectReason lastReject)
    {
        if (c.Frames != 0) Interlocked.Add(ref _frames, c.Frames);
        if (c.NoReturn != 0) Interlocked.Add(ref _noReturn, c.NoReturn);
        if (c.Bytes != 0) Interlocked.Add(ref _bytes, c.Bytes);
        if (c.RejectedBytes != 0)
        {
            Interlocked.Add(ref _rejectedBytes, c.RejectedBytes);
            for (var i = 0; i < _rejects.Length; i++)
            {
                var n = c.Rejects((RejectReason)i);
                if (n != 0) Interlocked.Add(ref _rejects[i], n);
            }
            LastReject = lastReject;
        }
        c.Reset();
    }
}
