using Kavach.Protocols;
using Xunit;

namespace Kavach.Protocols.Tests;

/// <summary>A stream that ends inside a frame: the partial frame is one counted bad-length run, never a frame.</summary>
public class EndOfStreamTests
{
    [Fact]
    public void Tf_series_partial_frame_at_end_is_counted_and_dropped()
    {
        var frame = new byte[TfSeriesDecoder.FrameLength];
        TfSeriesEncoder.Encode(frame, 300, 528, 50);
        var d = new TfSeriesDecoder(TfVariant.Tf03);
        ReadOnlySpan<byte> half = frame.AsSpan(0, 5);
        Assert.False(d.TryRead(ref half, out _));
        Assert.Equal(5, d.PendingBytes);
        d.EndOfStream();
        Assert.Equal(0, d.PendingBytes);
        Assert.Equal(1, d.Counters.Rejects(RejectReason.BadLength));
        Assert.Equal(5, d.Counters.RejectedBytes);
        // the next connection starts clean: a whole frame decodes
        ReadOnlySpan<byte> whole = frame;
        Assert.True(d.TryRead(ref whole, out var f));
        Assert.Equal(3f, f.DistanceM);
    }

    [Fact]
    public void Ops243_unterminated_line_at_end_is_counted_and_dropped()
    {
        var d = new Ops243Decoder();
        ReadOnlySpan<byte> partial = "3.2"u8;
        Assert.False(d.TryRead(ref partial, out _));
        d.EndOfStream();
        Assert.Equal(1, d.Counters.Rejects(RejectReason.BadLength));
        Assert.Equal(0, d.Counters.Frames);
    }

    [Fact]
    public void Nothing_pending_counts_nothing()
    {
        var d = new Ld06Decoder();
        d.EndOfStream();
        Assert.Equal(0, d.Counters.TotalRejects);
    }
}
