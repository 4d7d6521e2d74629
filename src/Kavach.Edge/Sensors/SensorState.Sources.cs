namespace Kavach.Edge.Sensors;

// Where frames come from: one live source per sensor. A second connection feeding the same sensor (a spoofer sending
// "clear" frames while the real device is unplugged, or a second device on the wrong port) shows as frames that
// switch from source A to B and back to A; a reconnect (A ends, B begins) switches once and never back. The fault
// holds for TimeoutMs after the last switch back, so it clears once one of the two has stopped for that long.
public sealed partial class SensorState
{
    private readonly Lock _sourceLock = new();
    private object? _source, _previousSource;
    private long _interleaved = long.MinValue;
    private long _clientsRefused, _clientsOverLimit;

    /// <summary>A decoded frame (or a chunk's frames) at <paramref name="timestamp"/> from <paramref name="source"/>
    /// (the connection's decoder: one per connection).</summary>
    public void FrameDecoded(long timestamp, object source)
    {
        if (!ReferenceEquals(Volatile.Read(ref _source), source)) SwitchSource(timestamp, source);
        Interlocked.Exchange(ref _lastFrame, timestamp);
    }

    private void SwitchSource(long now, object source)
    {
        lock (_sourceLock)
        {
            if (ReferenceEquals(_source, source)) return;
            // back to the source before the current one: both connections are alive and feeding this sensor
            if (ReferenceEquals(_previousSource, source)) Interlocked.Exchange(ref _interleaved, now);
            _previousSource = _source;
            Volatile.Write(ref _source, source);
        }
    }

    /// <summary>A connection ended: it no longer counts as a source (a fault it was half of clears now).</summary>
    public void SourceEnded(object source)
    {
        lock (_sourceLock)
        {
            if (!ReferenceEquals(_source, source) && !ReferenceEquals(_previousSource, source)) return;
            if (ReferenceEquals(_previousSource, source)) _previousSource = null;
            else
            {
                Volatile.Write(ref _source, _previousSource);
                _previousSource = null;
            }
            Interlocked.Exchange(ref _interleaved, long.MinValue);
        }
    }

    /// <summary>
    /// True while frames from two connections have interleaved within the last TimeoutMs: this sensor has two live
    /// sources and its data cannot be trusted (a named FAULT). Clears TimeoutMs after one of them stops.
    /// </summary>
    public bool TwoSources(long now, TimeProvider time)
    {
        var at = Interlocked.Read(ref _interleaved);
        return at != long.MinValue && time.GetElapsedTime(at, now).TotalMilliseconds <= Options.TimeoutMs;
    }

    /// <summary>The fault named while <see cref="TwoSources"/> holds.</summary>
    public string TwoSourcesFault => $"two sources for sensor {Name}";

    /// <summary>tcp-listen: clients closed unread because their address is not in Transport.AllowedClients.</summary>
    public long ClientsRefused => Interlocked.Read(ref _clientsRefused);

    /// <summary>tcp-listen: clients closed unread because Transport.MaxClients were already connected.</summary>
    public long ClientsOverLimit => Interlocked.Read(ref _clientsOverLimit);

    public void CountRefused() => Interlocked.Increment(ref _clientsRefused);

    public void CountOverLimit() => Interlocked.Increment(ref _clientsOverLimit);
}
