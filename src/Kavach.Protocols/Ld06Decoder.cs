using System.Buffers.Binary;

namespace Kavach.Protocols;

/// <summary>
/// Decodes LDROBOT LD06/LD19 47-byte packets (docs/protocols.md §3; ldrobotSensorTeam ldlidar_stl_ros2 lipkg.h) and
/// reduces each to the nearest return inside an angular corridor. Not thread-safe: one reading thread per instance.
/// </summary>
public sealed class Ld06Decoder : AssembledDecoder<Ld06Frame>
{
    /// <summary>Packet length: header 2, speed 2, start angle 2, 12 × 3 point bytes, end angle 2, timestamp 2, CRC 1.</summary>
    public const int FrameLength = 47;

    /// <summary>Points per packet (low 5 bits of the second sync byte 0x2C).</summary>
    public const int PointsPerPacket = 12;

    /// <summary>First sync byte.</summary>
    public const byte Header = 0x54;

    /// <summary>Second sync byte: packet type 1 in the top 3 bits, 12 points in the low 5.</summary>
    public const byte VerLen = 0x2C;

    // Angles are sent in 0.01° (lipkg.h); a full turn is 36000, so anything at or above it is impossible.
    private const int CentiDegreesPerTurn = 36000;

    private static ReadOnlySpan<byte> Sync => [Header, VerLen];

    private readonly Ld06Point[] _points = new Ld06Point[PointsPerPacket];
    private readonly float _corridorWidthDeg;
    private int _pointCount;

    /// <summary>
    /// Creates a decoder whose reading is the nearest return with an angle in the corridor from
    /// <paramref name="corridorStartDeg"/> clockwise to <paramref name="corridorEndDeg"/> (both inclusive; may wrap
    /// through 0; equal ends mean the full circle), ignoring points weaker than <paramref name="minIntensity"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An angle outside [0, 360] or not finite.</exception>
    public Ld06Decoder(float corridorStartDeg = 0f, float corridorEndDeg = 0f, byte minIntensity = 0)
        : base(Sync, FrameLength)
    {
        if (!(corridorStartDeg >= 0f && corridorStartDeg <= 360f))
            throw new ArgumentOutOfRangeException(nameof(corridorStartDeg), corridorStartDeg, "must be within [0, 360]");
        if (!(corridorEndDeg >= 0f && corridorEndDeg <= 360f))
            throw new ArgumentOutOfRangeException(nameof(corridorEndDeg), corridorEndDeg, "must be within [0, 360]");
        CorridorStartDeg = corridorStartDeg % 360f;
        CorridorEndDeg = corridorEndDeg % 360f;
        MinIntensity = minIntensity;
        var width = CorridorEndDeg - CorridorStartDeg;
        _corridorWidthDeg = width > 0f ? width : width + 360f;
    }

    /// <summary>Corridor start, degrees [0, 360).</summary>
    public float CorridorStartDeg { get; }

    /// <summary>Corridor end, degrees [0, 360).</summary>
    public float CorridorEndDeg { get; }

    /// <summary>Points weaker than this are not returns.</summary>
    public byte MinIntensity { get; }

    /// <summary>All 12 points of the last packet returned (empty before the first); valid until the next call.</summary>
    public ReadOnlySpan<Ld06Point> LastPoints => _points.AsSpan(0, _pointCount);

    /// <summary>Drops a partial packet (a new connection). Counters are kept.</summary>
    public override void Reset()
    {
        base.Reset();
        _pointCount = 0;
    }

    /// <summary>Whether <paramref name="angleDeg"/> (in [0, 360)) lies inside the corridor.</summary>
    public bool InCorridor(float angleDeg)
    {
        var offset = angleDeg - CorridorStartDeg;
        if (offset < 0f)
            offset += 360f;
        return offset <= _corridorWidthDeg;
    }

    private protected override ExamineResult Examine(
        ReadOnlySpan<byte> window,
        out int length,
        out RejectReason reason,
        out Ld06Frame frame
    )
    {
        length = FrameLength;
        reason = RejectReason.BadChecksum;
        frame = default;
        if (window.Length < FrameLength)
            return ExamineResult.NeedMore;
        if (Ld06Crc.Compute(window[..(FrameLength - 1)]) != window[FrameLength - 1])
            return ExamineResult.Reject;

        var speed = BinaryPrimitives.ReadUInt16LittleEndian(window[2..]);
        var start = BinaryPrimitives.ReadUInt16LittleEndian(window[4..]);
        var end = BinaryPrimitives.ReadUInt16LittleEndian(window[42..]);
        var timestamp = BinaryPrimitives.ReadUInt16LittleEndian(window[44..]);
        if (start >= CentiDegreesPerTurn || end >= CentiDegreesPerTurn)
        {
            reason = RejectReason.ImpossibleValue;
            return ExamineResult.Reject;
        }

        // Angle of point i: start + i·step, step = ((end − start + 36000) % 36000) / 11 (lipkg.cpp; docs/protocols.md §3).
        var stepDeg = (end - start + CentiDegreesPerTurn) % CentiDegreesPerTurn / (float)(PointsPerPacket - 1) / 100f;
        var startDeg = start / 100f;
        var inCorridor = false;
        var nearestMm = int.MaxValue;
        byte nearestIntensity = 0;
        var nearestAngle = float.NaN;
        for (var i = 0; i < PointsPerPacket; i++)
        {
            var p = window.Slice(6 + 3 * i, 3);
            var distance = BinaryPrimitives.ReadUInt16LittleEndian(p);
            var intensity = p[2];
            var angle = startDeg + i * stepDeg;
            if (angle >= 360f)
                angle -= 360f;
            _points[i] = new Ld06Point(distance, intensity, angle);
            if (!InCorridor(angle))
                continue;
            inCorridor = true;
            if (distance == 0 || intensity < MinIntensity || distance >= nearestMm)
                continue;
            nearestMm = distance;
            nearestIntensity = intensity;
            nearestAngle = angle;
        }

        _pointCount = PointsPerPacket;
        var hasReturn = nearestMm != int.MaxValue;
        frame = new Ld06Frame
        {
            SpeedDegPerS = speed,
            StartAngleDeg = startDeg,
            EndAngleDeg = end / 100f,
            TimestampMs = timestamp,
            HasCorridorPoints = inCorridor,
            NoReturn = inCorridor && !hasReturn,
            NearestRangeM = hasReturn ? nearestMm / 1000f : float.NaN,
            NearestIntensity = nearestIntensity,
            NearestAngleDeg = nearestAngle,
        };
        return ExamineResult.Frame;
    }
}
