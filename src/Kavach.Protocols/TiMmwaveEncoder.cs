using System.Buffers.Binary;

namespace Kavach.Protocols;

/// <summary>Writes TI mmWave OOB-demo packets (SDK 3.x layout, docs/protocols.md §2) for the simulator and the tests.</summary>
public static class TiMmwaveEncoder
{
    /// <summary>Version written: SDK 3.3.0.2, as in the IWR6843 capture.</summary>
    public const uint Version = 0x03030002;

    /// <summary>Platform written: IWR6843.</summary>
    public const uint Platform = 0xA6843;

    /// <summary>Bytes a packet with <paramref name="pointCount"/> points (and side info when asked) takes,
    /// padding to a multiple of 32 included.</summary>
    public static int MaxFrameLength(int pointCount, bool withSideInfo = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pointCount);
        var length = TiMmwaveDecoder.HeaderLength;
        if (pointCount > 0)
        {
            length += TiMmwaveDecoder.TlvHeaderLength + pointCount * TiMmwaveDecoder.PointLength;
            if (withSideInfo)
                length += TiMmwaveDecoder.TlvHeaderLength + pointCount * TiMmwaveDecoder.SideInfoLength;
        }

        return (length + TiMmwaveDecoder.SegmentLength - 1) / TiMmwaveDecoder.SegmentLength * TiMmwaveDecoder.SegmentLength;
    }

    /// <summary>
    /// Writes one packet: header, a type-1 TLV with <paramref name="points"/>, a type-7 TLV when
    /// <paramref name="sideInfo"/> is not empty, zero padding to a multiple of 32. Like the OOB demo, a frame
    /// without points carries no TLV. Returns the packet length.
    /// </summary>
    /// <exception cref="ArgumentException">A short destination, or side info not aligned with the points.</exception>
    public static int Encode(Span<byte> dest, uint frameNumber, ReadOnlySpan<MmwavePoint> points, ReadOnlySpan<MmwaveSideInfo> sideInfo)
    {
        if (!sideInfo.IsEmpty && sideInfo.Length != points.Length)
            throw new ArgumentException("side info must have one entry per point", nameof(sideInfo));
        var withSide = !sideInfo.IsEmpty;
        var total = MaxFrameLength(points.Length, withSide);
        if (dest.Length < total)
            throw new ArgumentException("destination shorter than the packet", nameof(dest));

        var packet = dest[..total];
        packet.Clear();
        TiMmwaveDecoder.MagicWord.CopyTo(packet);
        BinaryPrimitives.WriteUInt32LittleEndian(packet[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(packet[12..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(packet[16..], Platform);
        BinaryPrimitives.WriteUInt32LittleEndian(packet[20..], frameNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(packet[24..], 0); // timeCpuCycles: no clock here
        BinaryPrimitives.WriteUInt32LittleEndian(packet[28..], (uint)points.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(
            packet[32..],
            points.IsEmpty ? 0u
                : withSide ? 2u
                : 1u
        );
        BinaryPrimitives.WriteUInt32LittleEndian(packet[36..], 0); // subFrameNumber

        var offset = TiMmwaveDecoder.HeaderLength;
        if (points.IsEmpty)
            return total;

        offset = WriteTlvHeader(packet, offset, TiMmwaveDecoder.TlvDetectedPoints, points.Length * TiMmwaveDecoder.PointLength);
        foreach (var p in points)
        {
            BinaryPrimitives.WriteSingleLittleEndian(packet[offset..], p.X);
            BinaryPrimitives.WriteSingleLittleEndian(packet[(offset + 4)..], p.Y);
            BinaryPrimitives.WriteSingleLittleEndian(packet[(offset + 8)..], p.Z);
            BinaryPrimitives.WriteSingleLittleEndian(packet[(offset + 12)..], p.VelocityMps);
            offset += TiMmwaveDecoder.PointLength;
        }

        if (!withSide)
            return total;
        offset = WriteTlvHeader(packet, offset, TiMmwaveDecoder.TlvSideInfo, sideInfo.Length * TiMmwaveDecoder.SideInfoLength);
        foreach (var s in sideInfo)
        {
            BinaryPrimitives.WriteInt16LittleEndian(packet[offset..], s.SnrTenthDb);
            BinaryPrimitives.WriteInt16LittleEndian(packet[(offset + 2)..], s.NoiseTenthDb);
            offset += TiMmwaveDecoder.SideInfoLength;
        }

        return total;
    }

    private static int WriteTlvHeader(Span<byte> packet, int offset, uint type, int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(packet[offset..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(packet[(offset + 4)..], (uint)length);
        return offset + TiMmwaveDecoder.TlvHeaderLength;
    }
}
