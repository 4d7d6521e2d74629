using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Protocols;

namespace Kavach.Edge.Sensors;

// Rates over the last ~5 s: the input service samples the cumulative counters once a second into a small ring, and
// a rate is the difference between the oldest and newest samples (the counters themselves are never reset).
public sealed partial class SensorState
{
    /// <summary>Samples kept: 6 one-second samples span 5 s.</summary>
    private const int RateSamples = 6;

    private readonly (long Timestamp, long Frames, long Bytes, long NoReturn, long Rejects)[] _samples = new (long, long, long, long, long)[
        RateSamples
    ];
    private readonly Lock _sampleLock = new();
    private int _sampleHead,
        _sampleCount;

    /// <summary>Records the counters at <paramref name="now"/> (the input service calls this about once a second).</summary>
    public void Sample(long now)
    {
        lock (_sampleLock)
        {
            _samples[_sampleHead] = (now, Frames, Bytes, NoReturn, TotalRejects);
            _sampleHead = (_sampleHead + 1) % RateSamples;
            if (_sampleCount < RateSamples)
                _sampleCount++;
        }
    }

    /// <summary>Frames/s, bytes/s, the no-return ratio and rejected runs/s between the oldest and newest samples
    /// (0, 0, NaN, 0 with fewer than two).</summary>
    public (double FramesPerSecond, double BytesPerSecond, double NoReturnRatio, double RejectsPerSecond) Rates(TimeProvider time)
    {
        lock (_sampleLock)
        {
            if (_sampleCount < 2)
                return (0, 0, double.NaN, 0);
            var newest = _samples[(_sampleHead - 1 + RateSamples) % RateSamples];
            var oldest = _samples[(_sampleHead - _sampleCount + RateSamples) % RateSamples];
            var seconds = time.GetElapsedTime(oldest.Timestamp, newest.Timestamp).TotalSeconds;
            if (seconds <= 0)
                return (0, 0, double.NaN, 0);
            var frames = newest.Frames - oldest.Frames;
            return (
                frames / seconds,
                (newest.Bytes - oldest.Bytes) / seconds,
                frames > 0 ? (newest.NoReturn - oldest.NoReturn) / (double)frames : double.NaN,
                (newest.Rejects - oldest.Rejects) / seconds
            );
        }
    }

    /// <summary>
    /// A snapshot of this sensor's health at <paramref name="now"/>. Stale and frozen come from the fusion's
    /// <paramref name="fusion"/> snapshot when given (the fusion owns those rules); without it, stale is the last
    /// frame's age against TimeoutMs and frozen is unknown.
    /// </summary>
    public SensorHealth Health(long now, TimeProvider time, FusionSnapshot? fusion = null)
    {
        var (fps, bps, noReturn, rejectsPerS) = Rates(time);
        var last = LastFrameTimestamp;
        double? age = last == long.MinValue ? null : Math.Max(0, time.GetElapsedTime(last, now).TotalSeconds);
        var stale = age is null || age.Value * 1000 > Options.TimeoutMs;
        bool? frozen = null;
        if (fusion is not null && Index < fusion.Sensors.Length)
        {
            ref readonly var f = ref fusion.Sensors[Index];
            stale = f.Stale;
            frozen = f.Frozen;
        }
        var rejects = new Dictionary<string, long>();
        for (var i = 0; i < RejectReasons.Count; i++)
            if (Rejects((RejectReason)i) is var n and > 0)
                rejects[RejectReasons.Name((RejectReason)i)] = n;
        return new SensorHealth
        {
            Name = Name,
            Kind = Kind.ToString().ToLowerInvariant(),
            Protocol = Options.Protocol.Name,
            Transport = TransportOptions.TypeName(Options.Transport.Type),
            Connection = Connection.ToString().ToLowerInvariant(),
            Clients = Clients,
            ClientsRefused = ClientsRefused,
            ClientsOverLimit = ClientsOverLimit,
            Fault = TwoSources(now, time) ? TwoSourcesFault : null,
            FramesPerSecond = fps,
            BytesPerSecond = bps,
            NoReturnRatio = noReturn,
            RejectsPerSecond = rejectsPerS,
            LastFrameAgeS = age,
            Stale = stale,
            Frozen = frozen,
            Frames = Frames,
            Bytes = Bytes,
            Dropped = Dropped,
            Rejects = rejects,
            LastReject = LastReject is { } r ? RejectReasons.Name(r.Reason) : null,
            LastRejectAgeS = LastReject is { } seen ? Math.Max(0, time.GetElapsedTime(seen.Timestamp, now).TotalSeconds) : null,
        };
    }
}
