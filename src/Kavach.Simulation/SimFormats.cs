using Kavach.Protocols;

namespace Kavach.Simulation;

/// <summary>Writes one sample as one frame of a format; returns the bytes written.</summary>
public delegate int EncodeFrame(SensorSpec spec, SensorVariant variant, in SimSample sample, Span<byte> dest);

/// <summary>
/// One wire format as the simulator speaks it: its scenario name (the daemon's configuration name too), the kinds it
/// carries, its encoder, how a bad-checksum fault breaks a frame, whether it is line-based (an MQTT message per line,
/// garbage ends with a newline) and the serial baud rate of a real sensor.
/// </summary>
public sealed record SimFormat(
    SimProtocol Protocol,
    string Name,
    IReadOnlyList<SensorKind> Kinds,
    EncodeFrame Encode,
    CorruptFrame Corrupt,
    bool Lines,
    int SerialBaud
);

/// <summary>Breaks a frame in place.</summary>
public delegate void CorruptFrame(Span<byte> frame);

/// <summary>The simulator's wire formats, one line each: the table SimNames, the encoder and the outputs read.</summary>
public static class SimFormats
{
    public static IReadOnlyList<SimFormat> All { get; } =
    [
        new(
            SimProtocol.JsonLines,
            "json-lines",
            [SensorKind.Lidar, SensorKind.Radar, SensorKind.Camera],
            FrameEncoder.EncodeJson,
            FrameEncoder.CorruptText,
            Lines: true,
            SerialBaud: 115_200
        ), // by convention
        new(
            SimProtocol.TfSeries,
            "tf-series",
            [SensorKind.Lidar],
            FrameEncoder.EncodeTf,
            FrameEncoder.CorruptLastByte,
            Lines: false,
            SerialBaud: 115_200
        ),
        new(
            SimProtocol.TiMmwave,
            "ti-mmwave",
            [SensorKind.Radar],
            FrameEncoder.EncodeMmwave,
            FrameEncoder.CorruptMmwave,
            Lines: false,
            SerialBaud: 921_600
        ), // TI data port
        new(
            SimProtocol.Ops243,
            "ops243",
            [SensorKind.Radar],
            FrameEncoder.EncodeOps243,
            FrameEncoder.CorruptText,
            Lines: true,
            SerialBaud: 19_200
        ),
        new(
            SimProtocol.Ld06,
            "ld06",
            [SensorKind.Lidar],
            FrameEncoder.EncodeLd06,
            FrameEncoder.CorruptLastByte,
            Lines: false,
            SerialBaud: 230_400
        ),
        new(SimProtocol.Nmea, "nmea", [SensorKind.Gnss], FrameEncoder.EncodeNmea, FrameEncoder.CorruptNmea, Lines: true, SerialBaud: 9_600), // u-blox default (docs/protocols.md §8)
    ];

    /// <summary>The format of <paramref name="protocol"/>.</summary>
    public static SimFormat Of(SimProtocol protocol)
    {
        foreach (var f in All)
            if (f.Protocol == protocol)
                return f;
        throw new InvalidOperationException($"protocol {protocol} has no format");
    }
}
