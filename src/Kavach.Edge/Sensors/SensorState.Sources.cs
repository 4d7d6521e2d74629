namespace Kavach.Edge.Sensors;

// Where frames come from: one live source per sensor. A second connection feeding the same sensor (a spoofer sending
// "clear" frames while the real device is unplugged, or a second device on the wrong port) shows as frames that
// switch to a connection that has fed this sensor before and has not ended: A→B→A, and as well A→B→C→A (three or
// more sources in rotation never go straight back to the one before). A reconnect (A ends, B begins) switches once
// and never back. The fault holds for TimeoutMs after the last such switch, so it clears once all but one have
// stopped for that long. Switches are rare in service: the list below is touched only then, never per frame.
public sealed partial class SensorState
{
    private readonly Lock _sourceLock = new();
    private readonly List<object> _fed = new(4); // connections that delivered frames and have not ended
    private object? _source;
    private long _interleaved = long.MinValue;
    private long _clientsRefused,
        _clientsOverLimit;

    /// <summary>A decoded frame (or a chunk's frames) at <paramref name="timestamp"/> from <paramref name="source"/>
    /// (the connection's decoder: one per connection).</summary>
    public void FrameDecoded(long timestamp, object source)
    {
        if (!ReferenceEquals(Volatile.Read(ref _source), source))
            SwitchSource(timestamp, source);
        Interlocked.Exchange(ref _lastFrame, timestamp);
    }

    private void SwitchSource(long now, object source)
    {
        lock (_sourceLock)
        {
            if (ReferenceEquals(_source, source))
                return;
            // back to a connection that fed this sensor before and is still open, while another one fed it since:
            // two (or more) live connections feed this sensor
            if (IndexOfFed(source) >= 0)
            {
                if (_source is not null)
                    Interlocked.Exchange(ref _interleaved, now);
            }
            else
                _fed.Add(source);
            Volatile.Write(ref _source, source);
        }
    }

    private int IndexOfFed(object source)
    {
        for (var i = 0; i < _fed.Count; i++)
            if (ReferenceEquals(_fed[i], source))
                return i;
        return -1;
    }

    /// <summary>A connection ended: it no longer counts as a source (a fault it was half of clears now).</summary>
    public void SourceEnded(object source)
    {
        lock (_sourceLock)
        {
            var i = IndexOfFed(source);
            if (i < 0)
                return;
            _fed.RemoveAt(i);
            // the next frame from a connection still open is no switch back
            if (ReferenceEquals(_source, source))
                Volatile.Write(ref _source, null);
            if (_fed.Count < 2)
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
