using System.Buffers.Binary;

namespace Kavach.Protocols;

/// <summary>Writes LD06/LD19 47-byte packets (docs/protocols.md §3) for the simulator and the tests.</summary>
public static class Ld06Encoder
{
    /// <summary>Bytes one packet takes.</summary>
    public const int FrameLength = Ld06Decoder.FrameLength;

    /// <summary>
    /// Writes one packet and returns its length (47). Only <see cref="Ld06Point.DistanceMm"/> and
    /// <see cref="Ld06Point.Intensity"/> of the 12 <paramref name="points"/> are sent; their angles follow from
    /// the start and end angles (0.01° units, below 36000).
    /// </summary>
    /// <exception cref="ArgumentException">A short destination or not exactly 12 points.</exception>
    public static int Encode(
        Span<byte> dest,
        ushort speedDegPerS,
        ushort startAngleCentiDeg,
        ushort endAngleCentiDeg,
        ushort timestampMs,
        ReadOnlySpan<Ld06Point> points
    )
    {
        if (dest.Length < FrameLength)
            throw new ArgumentException("destination shorter than one packet", nameof(dest));
        if (points.Length != Ld06Decoder.PointsPerPacket)
            throw new ArgumentException("an LD06 packet carries exactly 12 points", nameof(points));
        dest[0] = Ld06Decoder.Header;
        dest[1] = Ld06Decoder.VerLen;
        BinaryPrimitives.WriteUInt16LittleEndian(dest[2..], speedDegPerS);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[4..], startAngleCentiDeg);
        for (var i = 0; i < points.Length; i++)
        {
            var p = dest.Slice(6 + 3 * i, 3);
            BinaryPrimitives.WriteUInt16LittleEndian(p, points[i].DistanceMm);
            p[2] = points[i].Intensity;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(dest[42..], endAngleCentiDeg);
        BinaryPrimitives.WriteUInt16LittleEndian(dest[44..], timestampMs);
        dest[46] = Ld06Crc.Compute(dest[..46]);
        return FrameLength;
    }
}
