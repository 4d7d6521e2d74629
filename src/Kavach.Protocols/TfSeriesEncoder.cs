using System.Buffers.Binary;

namespace Kavach.Protocols;

/// <summary>Writes TF-series 9-byte frames (docs/protocols.md §1) for the simulator and the tests.</summary>
public static class TfSeriesEncoder
{
    /// <summary>Bytes one frame takes.</summary>
    public const int FrameLength = TfSeriesDecoder.FrameLength;

    /// <summary>
    /// Writes one frame into <paramref name="dest"/> and returns its length (9). The temperature is encoded as
    /// raw = (°C + 256) × 8, rounded and clamped to 16 bits.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dest"/> is shorter than 9 bytes.</exception>
    public static int Encode(Span<byte> dest, ushort distanceCm, ushort strength, float temperatureC)
    {
        var raw = float.IsFinite(temperatureC) ? Math.Clamp(MathF.Round((temperatureC + 256f) * 8f), 0f, ushort.MaxValue) : 0f;
        return EncodeRaw(dest, distanceCm, strength, (ushort)raw);
    }

    /// <summary>Writes one frame with the temperature field as sent (the TF03 leaves it reserved).</summary>
    /// <exception cref="ArgumentException"><paramref name="dest"/> is shorter than 9 bytes.</exception>
    public static int EncodeRaw(Span<byte> dest, ushort distanceRaw, ushort strength, ushort temperatureRaw)
    {
        if (dest.Length < FrameLength)
            throw new ArgumentException("destination shorter than one frame", nameof(dest));
        dest[0] = TfSeriesDecoder.SyncByte;
        dest[1] = TfSeriesDecoder.SyncByte;
        BinaryPrimitives.WriteUInt16LittleEndian(dest[2..], distanceRaw);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[4..], strength);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[6..], temperatureRaw);
        dest[8] = Checksum(dest[..8]);
        return FrameLength;
    }

    /// <summary>Low 8 bits of the sum of <paramref name="bytes"/> (the TF frame and command checksum).</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        foreach (var b in bytes)
            sum += b;
        return (byte)sum;
    }
}
