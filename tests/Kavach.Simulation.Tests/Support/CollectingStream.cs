namespace Kavach.Simulation.Tests.Support;

/// <summary>A write-only stream that keeps what was written (thread-safe), optionally failing the first writes.</summary>
internal sealed class CollectingStream(int failWrites = 0) : Stream
{
    private readonly MemoryStream _data = new();
    private int _failWrites = failWrites;

    public int WriteCalls { get; private set; }

    public byte[] ToArray()
    {
        lock (_data)
            return _data.ToArray();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_data)
        {
            WriteCalls++;
            if (_failWrites > 0)
            {
                _failWrites--;
                throw new IOException("simulated broken output");
            }
            _data.Write(buffer);
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
