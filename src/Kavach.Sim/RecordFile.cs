using System.Buffers.Binary;

namespace Kavach.Sim;

/// <summary>
/// The <c>kavach-sim record</c> file: the 8 ASCII bytes <c>KVSIMREC</c>, a uint32 LE format version (1), then per
/// received chunk: uint64 LE microseconds since the recording started, uint32 LE length, the bytes. Documented in
/// docs/simulator.md.
/// </summary>
internal static class RecordFile
{
    public static ReadOnlySpan<byte> Magic => "KVSIMREC"u8;
    public const uint Version = 1;
    public const int HeaderLength = 12;
    public const int ChunkHeaderLength = 12;
    public const int MaxChunkLength = 16 * 1024 * 1024;

    public static void WriteHeader(Stream s)
    {
        Span<byte> h = stackalloc byte[HeaderLength];
        Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], Version);
        s.Write(h);
    }

    public static void WriteChunk(Stream s, ulong offsetUs, ReadOnlySpan<byte> data)
    {
        Span<byte> h = stackalloc byte[ChunkHeaderLength];
        BinaryPrimitives.WriteUInt64LittleEndian(h, offsetUs);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], (uint)data.Length);
        s.Write(h);
        s.Write(data);
    }

    /// <summary>Reads and checks the file header; throws <see cref="InvalidDataException"/> on a wrong file.</summary>
    public static void ReadHeader(Stream s)
    {
        Span<byte> h = stackalloc byte[HeaderLength];
        if (s.ReadAtLeast(h, HeaderLength, throwOnEndOfStream: false) < HeaderLength || !h[..8].SequenceEqual(Magic))
            throw new InvalidDataException("not a kavach-sim recording (no KVSIMREC header)");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
        if (version != Version)
            throw new InvalidDataException($"recording format version {version} is not supported (expected {Version})");
    }

    /// <summary>Reads the next chunk; false at a clean end of file. Throws <see cref="InvalidDataException"/> on a cut or bad
    /// chunk.</summary>
    public static bool TryReadChunk(Stream s, out ulong offsetUs, out byte[] data)
    {
        Span<byte> h = stackalloc byte[ChunkHeaderLength];
        var n = s.ReadAtLeast(h, ChunkHeaderLength, throwOnEndOfStream: false);
        offsetUs = 0;
        data = [];
        if (n == 0)
            return false;
        if (n < ChunkHeaderLength)
            throw new InvalidDataException("recording cut inside a chunk header");
        offsetUs = BinaryPrimitives.ReadUInt64LittleEndian(h);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
        if (length > MaxChunkLength)
            throw new InvalidDataException($"chunk of {length} bytes is larger than {MaxChunkLength}");
        data = new byte[length];
        if (s.ReadAtLeast(data, (int)length, throwOnEndOfStream: false) < length)
            throw new InvalidDataException("recording cut inside a chunk");
        return true;
    }
}
