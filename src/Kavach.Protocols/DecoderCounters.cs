namespace Kavach.Protocols;

/// <summary>
/// What a decoder has seen since it was created: cumulative totals, never reset (a new connection's
/// <c>Reset</c> drops a partial frame, not the counts). A consumer that wants figures per chunk or per second
/// keeps the values it last read and takes the difference. Written only by the decoder's own (single) reading
/// thread; other threads may read the values at any time (64-bit reads are atomic on the 64-bit targets we ship;
/// a reader may see a value one frame old, which is fine for health and metrics).
/// </summary>
public sealed class DecoderCounters
{
    private readonly long[] _rejectRuns = new long[RejectReasons.Count];
    private int _lastReject = -1;

    /// <summary>Frames decoded, "no return" frames included.</summary>
    public long Frames;

    /// <summary>Well-formed frames that carried no valid return (weak strength, a sentinel distance).</summary>
    public long NoReturn;

    /// <summary>Bytes received.</summary>
    public long Bytes;

    /// <summary>Bytes thrown away (sum over all rejected runs).</summary>
    public long RejectedBytes;

    /// <summary>Rejected runs for one reason.</summary>
    public long Rejects(RejectReason reason) => Volatile.Read(ref _rejectRuns[(int)reason]);

    /// <summary>Rejected runs over all reasons.</summary>
    public long TotalRejects
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _rejectRuns.Length; i++)
                sum += Volatile.Read(ref _rejectRuns[i]);
            return sum;
        }
    }

    /// <summary>The reason of the most recent rejected run; null before the first. Decoders have no clock: the
    /// consumer stamps the time when it sees <see cref="TotalRejects"/> grow.</summary>
    public RejectReason? LastReject => Volatile.Read(ref _lastReject) is var r and >= 0 ? (RejectReason)r : null;

    /// <summary>Count one rejected run of <paramref name="bytes"/> bytes (0 for a well-formed unit refused as a whole).</summary>
    public void Reject(RejectReason reason, int bytes)
    {
        _rejectRuns[(int)reason]++;
        RejectedBytes += bytes;
        Volatile.Write(ref _lastReject, (int)reason);
    }
}
