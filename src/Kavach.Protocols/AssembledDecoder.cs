namespace Kavach.Protocols;

/// <summary>
/// A binary format framed by a sync word and a frame check: <see cref="FrameAssembler"/> does the stream loop
/// (sync search, partial frames, resynchronisation, counting); the format only examines a window
/// (<see cref="Examine"/>). Frames and no-returns are counted here, once for every such format.
/// </summary>
/// <typeparam name="TFrame">The decoded frame; its <see cref="IDecodedFrame.NoReturn"/> is read without boxing.</typeparam>
public abstract class AssembledDecoder<TFrame> : StreamDecoder<TFrame>, IFrameFormat<TFrame>
    where TFrame : struct, IDecodedFrame
{
    private readonly FrameAssembler _assembler;

    private protected AssembledDecoder(ReadOnlySpan<byte> sync, int maxFrameLength) =>
        _assembler = new FrameAssembler(sync, maxFrameLength, Counters);

    /// <inheritdoc/>
    public override int PendingBytes => _assembler.Pending;

    /// <inheritdoc/>
    public sealed override bool TryRead(ref ReadOnlySpan<byte> input, out TFrame frame)
    {
        if (!_assembler.TryRead(ref input, this, out frame))
            return false;
        Counters.Frames++;
        if (frame.NoReturn)
            Counters.NoReturn++;
        return true;
    }

    /// <inheritdoc/>
    public override void Reset() => _assembler.Reset();

    /// <inheritdoc cref="IFrameFormat{TFrame}.Examine"/>
    private protected abstract ExamineResult Examine(ReadOnlySpan<byte> window, out int length, out RejectReason reason, out TFrame frame);

    ExamineResult IFrameFormat<TFrame>.Examine(ReadOnlySpan<byte> window, out int length, out RejectReason reason, out TFrame frame) =>
        Examine(window, out length, out reason, out frame);
}

/// <summary>A frame that can say "no return" (a well-formed frame with no valid echo).</summary>
public interface IDecodedFrame
{
    /// <summary>The sensor sent a well-formed frame with no valid echo.</summary>
    bool NoReturn { get; }
}
