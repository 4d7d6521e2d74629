using System.Buffers.Binary;

namespace Kavach.Protocols;

/// <summary>
/// Decodes the TI mmWave (IWR6843 / AWR1843) out-of-box demo data port, SDK 3.x, and the legacy SDK 2.x point
/// layout (docs/protocols.md §2; TI mmw_output.h and dpif_pointcloud.h; ethz-asl ti_mmwave_rospkg DataHandlerClass).
/// A packet is buffered whole (up to the configured maximum); TLVs other than detected points (1) and side info (7)
/// are skipped by length. There is no checksum: a packet is accepted when its TLVs exactly fill totalPacketLen up to
/// less than 32 bytes of padding. A corrupted totalPacketLen makes the decoder wait for that many bytes (at most
/// <see cref="MaxPacketBytes"/>, about 0.7 s at 921,600 baud) before it rejects the packet and resynchronises inside the
/// buffered bytes, so the packets behind it are still decoded, late. Not thread-safe: one reading thread per instance.
/// </summary>
public sealed class TiMmwaveDecoder : AssembledDecoder<MmwaveFrame>
{
    /// <summary>Default largest packet accepted: room for the range profile and heatmap TLVs of the OOB demo.</summary>
    public const int DefaultMaxPacketBytes = 64 * 1024;

    /// <summary>Header length, SDK 3.x and SDK 2.x on xWR16xx/18xx/68xx (mmw_output.h MmwDemo_output_message_header).</summary>
    public const int HeaderLength = 40;

    /// <summary>Legacy xWR1443 header: no subFrameNumber (ti_mmwave_rospkg skips it for platform 0xA1443).</summary>
    public const int LegacyHeaderLength = 36;

    /// <summary>TLV header: type uint32, length uint32 (length = payload only).</summary>
    public const int TlvHeaderLength = 8;

    /// <summary>Packets are padded to a multiple of this (MMWDEMO_OUTPUT_MSG_SEGMENT_LEN), so padding is below it.</summary>
    public const int SegmentLength = 32;

    /// <summary>TLV type 1: detected points (MMWDEMO_OUTPUT_MSG_DETECTED_POINTS).</summary>
    public const uint TlvDetectedPoints = 1;

    /// <summary>TLV type 7: detected points side info (MMWDEMO_OUTPUT_MSG_DETECTED_POINTS_SIDE_INFO).</summary>
    public const uint TlvSideInfo = 7;

    /// <summary>SDK 3.x point: x, y, z, velocity as float32 (DPIF_PointCloudCartesian).</summary>
    public const int PointLength = 16;

    /// <summary>SDK 3.x side info: snr, noise as int16 in 0.1 dB (DPIF_PointCloudSideInfo).</summary>
    public const int SideInfoLength = 4;

    /// <summary>Legacy SDK 2.x point: rangeIdx, dopplerIdx, peakVal, x, y, z as 16-bit (MmwDemo_detectedObj).</summary>
    public const int LegacyPointLength = 12;

    // Header offsets (docs/protocols.md §2 table).
    private const int VersionOffset = 8;
    private const int TotalLengthOffset = 12;
    private const int PlatformOffset = 16;
    private const int FrameNumberOffset = 20;
    private const int NumDetectedObjOffset = 28;
    private const int NumTlvsOffset = 32;
    private const int SubFrameNumberOffset = 36;

    /// <summary>Magic word, bytes 02 01 04 03 06 05 08 07 (mmw_output.h: uint16 0x0102, 0x0304, 0x0506, 0x0708).</summary>
    public static ReadOnlySpan<byte> MagicWord => [0x02, 0x01, 0x04, 0x03, 0x06, 0x05, 0x08, 0x07];

    private readonly MmwavePoint[] _points;
    private readonly MmwaveSideInfo[] _sideInfo;
    private int _pointCount;
    private int _sideInfoCount;

    /// <summary>Creates a decoder that buffers packets of up to <paramref name="maxPacketBytes"/> bytes; longer
    /// totalPacketLen values are rejected as <see cref="RejectReason.BadLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPacketBytes"/> below 64 or above 16 MiB.</exception>
    public TiMmwaveDecoder(int maxPacketBytes = DefaultMaxPacketBytes)
        : base(MagicWord, Checked(maxPacketBytes))
    {
        MaxPacketBytes = maxPacketBytes;
        _points = new MmwavePoint[maxPacketBytes / LegacyPointLength];
        _sideInfo = new MmwaveSideInfo[maxPacketBytes / SideInfoLength];
    }

    // Checked before the base allocates its buffer.
    private static int Checked(int maxPacketBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketBytes, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPacketBytes, 16 * 1024 * 1024);
        return maxPacketBytes;
    }

    /// <summary>Largest totalPacketLen accepted.</summary>
    public int MaxPacketBytes { get; }

    /// <summary>Points of the last packet returned; valid until the next call.</summary>
    public ReadOnlySpan<MmwavePoint> LastPoints => _points.AsSpan(0, _pointCount);

    /// <summary>Side info of the last packet returned, index-aligned with <see cref="LastPoints"/>; empty without a
    /// type-7 TLV. Valid until the next call.</summary>
    public ReadOnlySpan<MmwaveSideInfo> LastSideInfo => _sideInfo.AsSpan(0, _sideInfoCount);

    /// <summary>Drops a partial packet (a new connection). Counters are kept.</summary>
    public override void Reset()
    {
        base.Reset();
        _pointCount = 0;
        _sideInfoCount = 0;
    }

    private protected override ExamineResult Examine(
        ReadOnlySpan<byte> window,
        out int length,
        out RejectReason reason,
        out MmwaveFrame frame
    )
    {
        frame = default;
        reason = RejectReason.BadLength;
        length = PlatformOffset + 4;
        if (window.Length < length)
            return ExamineResult.NeedMore;

        var version = BinaryPrimitives.ReadUInt32LittleEndian(window[VersionOffset..]);
        var total = BinaryPrimitives.ReadUInt32LittleEndian(window[TotalLengthOffset..]);
        var platform = BinaryPrimitives.ReadUInt32LittleEndian(window[PlatformOffset..]);
        var legacy = version >> 24 < 3;
        var headerLength = legacy && (platform & 0xFFFF) == 0x1443 ? LegacyHeaderLength : HeaderLength;
        if (total < headerLength || total > (uint)MaxPacketBytes)
            return ExamineResult.Reject;

        length = (int)total;
        if (window.Length < total)
            return ExamineResult.NeedMore;

        _pointCount = 0;
        _sideInfoCount = 0;
        var packet = window[..(int)total];
        var status = WalkTlvs(packet, headerLength, legacy, out reason);
        if (status != ExamineResult.Frame)
        {
            _pointCount = 0;
            _sideInfoCount = 0;
            return status;
        }

        var nearest = -1;
        var nearestRange = float.PositiveInfinity;
        for (var i = 0; i < _pointCount; i++)
        {
            var range = _points[i].RangeM;
            if (range < nearestRange)
            {
                nearestRange = range;
                nearest = i;
            }
        }

        var hasTarget = nearest >= 0;
        frame = new MmwaveFrame
        {
            FrameNumber = BinaryPrimitives.ReadUInt32LittleEndian(packet[FrameNumberOffset..]),
            SubFrameNumber = headerLength == HeaderLength ? BinaryPrimitives.ReadUInt32LittleEndian(packet[SubFrameNumberOffset..]) : 0,
            Version = version,
            Platform = platform,
            PacketLength = (int)total,
            TargetCount = _pointCount,
            HasTarget = hasTarget,
            NearestRangeM = hasTarget ? nearestRange : float.NaN,
            ClosingSpeedMps = hasTarget ? -_points[nearest].VelocityMps : float.NaN,
            NearestSnrDb = hasTarget && _sideInfoCount > 0 ? _sideInfo[nearest].SnrDb : float.NaN,
            HasSideInfo = _sideInfoCount > 0,
        };
        return ExamineResult.Frame;
    }

    private ExamineResult WalkTlvs(ReadOnlySpan<byte> packet, int headerLength, bool legacy, out RejectReason reason)
    {
        reason = RejectReason.BadLength;
        var numObj = BinaryPrimitives.ReadUInt32LittleEndian(packet[NumDetectedObjOffset..]);
        var numTlvs = BinaryPrimitives.ReadUInt32LittleEndian(packet[NumTlvsOffset..]);
        if (numTlvs > (uint)(packet.Length - headerLength) / TlvHeaderLength)
            return ExamineResult.Reject;

        var offset = headerLength;
        var pointsSeen = false;
        for (var t = 0u; t < numTlvs; t++)
        {
            if (packet.Length - offset < TlvHeaderLength)
                return ExamineResult.Reject;
            var type = BinaryPrimitives.ReadUInt32LittleEndian(packet[offset..]);
            var tlvLength = BinaryPrimitives.ReadUInt32LittleEndian(packet[(offset + 4)..]);
            offset += TlvHeaderLength;
            if (tlvLength > (uint)(packet.Length - offset))
                return ExamineResult.Reject;
            var payload = packet.Slice(offset, (int)tlvLength);
            offset += (int)tlvLength;

            if (type == TlvDetectedPoints && !pointsSeen)
            {
                pointsSeen = true;
                var status = legacy ? ReadLegacyPoints(payload, out reason) : ReadPoints(payload, numObj, out reason);
                if (status != ExamineResult.Frame)
                    return status;
            }
            else if (type == TlvSideInfo && !legacy)
            {
                // Side info is index-aligned with the points: numDetectedObj × 4 bytes.
                if (numObj > (uint)_sideInfo.Length || tlvLength != numObj * SideInfoLength)
                    return ExamineResult.Reject;
                for (var i = 0; i < (int)numObj; i++)
                {
                    var s = payload[(i * SideInfoLength)..];
                    _sideInfo[i] = new MmwaveSideInfo(
                        BinaryPrimitives.ReadInt16LittleEndian(s),
                        BinaryPrimitives.ReadInt16LittleEndian(s[2..])
                    );
                }

                _sideInfoCount = (int)numObj;
            }
        }

        // After the TLVs only padding to the next multiple of 32 may follow.
        if (packet.Length - offset >= SegmentLength)
            return ExamineResult.Reject;
        if (_sideInfoCount != _pointCount)
            _sideInfoCount = 0;
        return ExamineResult.Frame;
    }

    private ExamineResult ReadPoints(ReadOnlySpan<byte> payload, uint numObj, out RejectReason reason)
    {
        reason = RejectReason.BadLength;
        if (numObj > (uint)_points.Length || payload.Length != numObj * PointLength)
            return ExamineResult.Reject;
        reason = RejectReason.ImpossibleValue;
        for (var i = 0; i < (int)numObj; i++)
        {
            var p = payload[(i * PointLength)..];
            var point = new MmwavePoint(
                BinaryPrimitives.ReadSingleLittleEndian(p),
                BinaryPrimitives.ReadSingleLittleEndian(p[4..]),
                BinaryPrimitives.ReadSingleLittleEndian(p[8..]),
                BinaryPrimitives.ReadSingleLittleEndian(p[12..])
            );
            // NaN or infinite coordinates are not something the DSP emits: the packet is corrupt.
            if (!float.IsFinite(point.X) || !float.IsFinite(point.Y) || !float.IsFinite(point.Z) || !float.IsFinite(point.VelocityMps))
                return ExamineResult.Reject;
            _points[i] = point;
        }

        _pointCount = (int)numObj;
        return ExamineResult.Frame;
    }

    private ExamineResult ReadLegacyPoints(ReadOnlySpan<byte> payload, out RejectReason reason)
    {
        // SDK 2.x: uint16 numObj, uint16 xyzQFormat (MmwDemo_output_message_dataObjDescr), then 12-byte points;
        // x, y, z are int16 in Q-format metres (ti_mmwave_rospkg divides by 2^xyzQFormat).
        reason = RejectReason.BadLength;
        if (payload.Length < 4)
            return ExamineResult.Reject;
        var count = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        var qFormat = BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]);
        if (payload.Length != 4 + count * LegacyPointLength || count > _points.Length)
            return ExamineResult.Reject;
        reason = RejectReason.ImpossibleValue;
        if (qFormat > 15)
            return ExamineResult.Reject;
        var scale = 1f / (1 << qFormat);
        for (var i = 0; i < count; i++)
        {
            var p = payload[(4 + i * LegacyPointLength)..];
            _points[i] = new MmwavePoint(
                BinaryPrimitives.ReadInt16LittleEndian(p[6..]) * scale,
                BinaryPrimitives.ReadInt16LittleEndian(p[8..]) * scale,
                BinaryPrimitives.ReadInt16LittleEndian(p[10..]) * scale,
                // The velocity needs the chirp configuration (Doppler bin × resolution): unknown here.
                float.NaN
            );
        }

        _pointCount = count;
        return ExamineResult.Frame;
    }
}
