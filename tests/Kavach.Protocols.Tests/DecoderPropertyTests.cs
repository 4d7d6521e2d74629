using CsCheck;
using Kavach.Protocols.Tests.Support;

namespace Kavach.Protocols.Tests;

/// <summary>CsCheck properties shared by the three binary decoders.</summary>
public sealed class DecoderPropertyTests
{
    public static TheoryData<string> Formats() => BinaryKit.Names();

    [Theory]
    [MemberData(nameof(Formats))]
    public void Arbitrary_streams_never_throw_and_every_byte_is_accounted_for(string format)
    {
        var kit = BinaryKit.Named(format);
        Gen.Select(kit.Stream, Gen.Int[0, 64])
            .Sample(
                (stream, chunk) =>
                {
                    var decoder = kit.Create();
                    var frames = Feed.All(decoder, stream, chunk);
                    var c = decoder.Counters;
                    Assert.Equal(stream.Length, c.Bytes);
                    Assert.Equal(frames.Count, c.Frames);
                    var frameBytes = frames.Sum(f => (long)kit.FrameLength(f.Frame));
                    Assert.Equal(c.Bytes, frameBytes + c.RejectedBytes + decoder.PendingBytes);
                    Assert.InRange(decoder.PendingBytes, 0, kit.MaxPending);
                    foreach (var (frame, _) in frames)
                    {
                        // Re-encoding gives bytes with a correct checksum/CRC; they must be in the stream as sent.
                        var again = Reencode(kit, frame, stream);
                        if (again is not null)
                            Assert.True(stream.AsSpan().IndexOf(again) >= 0, $"frame {frame} is not in the stream");
                    }
                },
                iter: 400
            );
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Pure_garbage_is_rejected_except_one_partial_frame(string format)
    {
        var kit = BinaryKit.Named(format);
        Gen.Byte.Array[0, 3000]
            .Sample(
                garbage =>
                {
                    var decoder = kit.Create();
                    var frames = Feed.All(decoder, garbage);
                    var frameBytes = frames.Sum(f => (long)kit.FrameLength(f.Frame));
                    Assert.Equal(garbage.Length, decoder.Counters.Bytes);
                    Assert.Equal(garbage.Length - frameBytes - decoder.PendingBytes, decoder.Counters.RejectedBytes);
                    Assert.InRange(decoder.PendingBytes, 0, kit.MaxPending);
                },
                iter: 300
            );
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Valid_frames_in_garbage_are_all_recovered_in_order(string format)
    {
        var kit = BinaryKit.Named(format);
        Gen.Select(kit.ValidFrame, kit.CleanGarbage)
            .Array[0, 20]
            .Select(kit.CleanGarbage, (pairs, tail) => (pairs, tail))
            .Sample(
                t =>
                {
                    var stream = t.pairs.SelectMany(p => p.Item2.Concat(p.Item1)).Concat(t.tail).ToArray();
                    var expected = t.pairs.Select(p => Feed.All(kit.Create(), p.Item1).Single().Frame).ToList();
                    var decoder = kit.Create();
                    var frames = Feed.All(decoder, stream);
                    Assert.Equal(expected, frames.Select(f => f.Frame));
                    var garbageRuns = t.pairs.Select(p => p.Item2.Length).Append(t.tail.Length).ToList();
                    Assert.Equal(garbageRuns.Sum(), decoder.Counters.RejectedBytes);
                    Assert.Equal(garbageRuns.Count(n => n > 0), decoder.Counters.Rejects(RejectReason.BadHeader));
                    Assert.Equal(0, decoder.PendingBytes);
                },
                iter: 300
            );
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Splitting_a_stream_anywhere_gives_the_same_frames(string format)
    {
        var kit = BinaryKit.Named(format);
        Gen.Select(kit.Stream, Gen.Int[0, 100_000].Array[0, 30])
            .Sample(
                (stream, cuts) =>
                {
                    var whole = kit.Create();
                    var expected = Feed.All(whole, stream).Select(f => f.Frame).ToList();
                    var split = kit.Create();
                    var frames = Feed.Split(split, stream, cuts.Select(c => stream.Length == 0 ? 0 : c % stream.Length));
                    Assert.Equal(expected, frames);
                    Assert.Equal(whole.Counters.Bytes, split.Counters.Bytes);
                    Assert.Equal(whole.Counters.RejectedBytes, split.Counters.RejectedBytes);
                    Assert.Equal(whole.Counters.NoReturn, split.Counters.NoReturn);
                    Assert.Equal(whole.PendingBytes, split.PendingBytes);
                },
                iter: 300
            );
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Reset_drops_a_partial_frame(string format)
    {
        var kit = BinaryKit.Named(format);
        kit.ValidFrame.Sample(
            frame =>
            {
                var decoder = kit.Create();
                ReadOnlySpan<byte> head = frame.AsSpan(0, frame.Length - 1);
                Assert.False(decoder.TryRead(ref head, out _));
                decoder.Reset();
                Assert.Equal(0, decoder.PendingBytes);
                Assert.Single(Feed.All(decoder, frame));
            },
            iter: 50
        );
    }

    private static byte[]? Reencode(BinaryKit kit, object frame, byte[] stream)
    {
        // Feed the stream again up to this frame to get its points (LD06 needs them to rebuild the packet).
        var decoder = kit.Create();
        ReadOnlySpan<byte> input = stream;
        while (decoder.TryRead(ref input, out var f))
        {
            if (f.Equals(frame))
                return kit.Reencode(f, decoder);
        }

        return null;
    }
}
