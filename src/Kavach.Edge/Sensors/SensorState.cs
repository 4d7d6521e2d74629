using Kavach.Edge.Configuration;
using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

/// <summary>
/// Live input-side health of one configured sensor: connection state and counters, cumulative since start and
/// summed over all its connections. Written by the transport's connection handlers (once per received chunk, not
/// per frame), read by anyone: every member is thread-safe. Rates are the consumer's deltas of these totals.
/// </summary>
public sealed partial class SensorState
{
    private readonly long[] _rejects = new long[RejectReasons.Count];
    private long _connects,
        _frames,
        _noReturn,
        _bytes,
        _rejectedBytes,
        _dropped,
        _lastFrame = long.MinValue;
    private int _state,
        _clients;
    private RejectSeen? _lastReject;

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

    /// <summary>The last rejected run, over all this sensor's connections: its reason and when it arrived; null before the first.</summary>
    public RejectSeen? LastReject => Volatile.Read(ref _lastReject);

    public long Rejects(RejectReason reason) => Interlocked.Read(ref _rejects[(int)reason]);

    public long TotalRejects
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _rejects.Length; i++)
                sum += Interlocked.Read(ref _rejects[i]);
            return sum;
        }
    }

    /// <summary>Sets the connection state; returns the previous one (callers log on change only).</summary>
    public ConnectionState SetConnection(ConnectionState state)
    {
        var previous = (ConnectionState)Interlocked.Exchange(ref _state, (int)state);
        if (state == ConnectionState.Connected && previous != ConnectionState.Connected)
            Interlocked.Increment(ref _connects);
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
        if (noReturn != 0)
            Interlocked.Add(ref _noReturn, noReturn);
    }

    /// <summary>
    /// Adds what the decoder's cumulative counters <paramref name="c"/> gained since <paramref name="seen"/> into the
    /// totals and moves the cursor (the connection calls it after each chunk, on its reading thread). New rejects make
    /// the decoder's last reject this sensor's, stamped <paramref name="now"/> (the chunk's arrival: decoders have no clock).
    /// </summary>
    public void Absorb(DecoderCounters c, DecoderCursor seen, long now)
    {
        if (seen.CountFrames)
        {
            AddNew(ref _frames, c.Frames, ref seen.Frames);
            AddNew(ref _noReturn, c.NoReturn, ref seen.NoReturn);
        }
        AddNew(ref _bytes, c.Bytes, ref seen.Bytes);
        AddNew(ref _rejectedBytes, c.RejectedBytes, ref seen.RejectedBytes);
        var rejected = false;
        for (var i = 0; i < _rejects.Length; i++)
            rejected |= AddNew(ref _rejects[i], c.Rejects((RejectReason)i), ref seen.Rejects[i]);
        if (rejected && c.LastReject is { } reason)
            Volatile.Write(ref _lastReject, new RejectSeen(reason, now));
    }

    private static bool AddNew(ref long total, long current, ref long seen)
    {
        var delta = current - seen;
        if (delta == 0)
            return false;
        Interlocked.Add(ref total, delta);
        seen = current;
        return true;
    }
}

/// <summary>The last rejected run a sensor saw: its reason and <see cref="TimeProvider.GetTimestamp"/> when it arrived.</summary>
public sealed record RejectSeen(RejectReason Reason, long Timestamp);
