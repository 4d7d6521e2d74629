namespace Kavach.Protocols;

/// <summary>One LD06/LD19 packet reduced to the nearest return inside the configured angular corridor.</summary>
public readonly record struct Ld06Frame : IDecodedFrame
{
    /// <summary>Rotation speed, degrees per second.</summary>
    public float SpeedDegPerS { get; init; }

    /// <summary>Angle of the first point, degrees [0, 360).</summary>
    public float StartAngleDeg { get; init; }

    /// <summary>Angle of the last point, degrees [0, 360).</summary>
    public float EndAngleDeg { get; init; }

    /// <summary>Sensor timestamp, ms (wraps; treat it as a wrapping counter, docs/protocols.md §3).</summary>
    public ushort TimestampMs { get; init; }

    /// <summary>At least one of the 12 points lies inside the corridor.</summary>
    public bool HasCorridorPoints { get; init; }

    /// <summary>Corridor points exist but all are zero distance or weaker than the minimum intensity.</summary>
    public bool NoReturn { get; init; }

    /// <summary>Range of the nearest valid corridor point, metres; NaN when there is none.</summary>
    public float NearestRangeM { get; init; }

    /// <summary>Intensity of the nearest valid corridor point (0 when there is none).</summary>
    public byte NearestIntensity { get; init; }

    /// <summary>Angle of the nearest valid corridor point, degrees; NaN when there is none.</summary>
    public float NearestAngleDeg { get; init; }
}

/// <summary>One LD06 measurement point.</summary>
/// <param name="DistanceMm">Distance, mm (0 = no return).</param>
/// <param name="Intensity">Return intensity, 0–255.</param>
/// <param name="AngleDeg">Angle interpolated between the packet's start and end angles, degrees [0, 360).</param>
public readonly record struct Ld06Point(ushort DistanceMm, byte Intensity, float AngleDeg);

/// <summary>
/// CRC-8 of the LD06/LD19 packet: polynomial 0x4D, MSB first, init 0, no reflection, no final XOR
/// (ldlidar_stl_ros2 lipkg.cpp CrcTable; docs/protocols.md §3).
/// </summary>
public static class Ld06Crc
{
    private const byte Polynomial = 0x4D;

    private static readonly byte[] Table = BuildTable();

    /// <summary>CRC-8 over <paramref name="data"/>.</summary>
    public static byte Compute(ReadOnlySpan<byte> data)
    {
        var table = Table;
        byte crc = 0;
        foreach (var b in data)
            crc = table[crc ^ b];
        return crc;
    }

    /// <summary>Table entry for <paramref name="index"/> (table[255] = 0xA8 per docs/protocols.md §3).</summary>
    public static byte TableEntry(byte index) => Table[index];

    private static byte[] BuildTable()
    {
        var table = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (byte)i;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 0x80) != 0 ? (byte)((crc << 1) ^ Polynomial) : (byte)(crc << 1);
            table[i] = crc;
        }

        return table;
    }
}
