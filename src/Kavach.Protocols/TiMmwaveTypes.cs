namespace Kavach.Protocols;

/// <summary>One TI mmWave OOB-demo packet reduced to the nearest target.</summary>
public readonly record struct MmwaveFrame : IDecodedFrame
{
    /// <summary>Header frameNumber.</summary>
    public uint FrameNumber { get; init; }

    /// <summary>Header subFrameNumber (0 on the 36-byte legacy IWR1443 header).</summary>
    public uint SubFrameNumber { get; init; }

    /// <summary>Header version: major &lt;&lt; 24 | minor &lt;&lt; 16 | bugfix &lt;&lt; 8 | build (0x03030002 = SDK 3.3).</summary>
    public uint Version { get; init; }

    /// <summary>Header platform (e.g. 0xA6843).</summary>
    public uint Platform { get; init; }

    /// <summary>totalPacketLen: header, TLVs and padding.</summary>
    public int PacketLength { get; init; }

    /// <summary>Detected points decoded from the type-1 TLV (0 when the TLV is absent).</summary>
    public int TargetCount { get; init; }

    /// <summary>At least one detected point.</summary>
    public bool HasTarget { get; init; }

    /// <summary>Range of the nearest point, √(x²+y²+z²), metres; NaN without a target.</summary>
    public float NearestRangeM { get; init; }

    /// <summary>Closing speed of the nearest point = −radial velocity (positive = approaching), m/s; NaN without a
    /// target and on legacy SDK 2.x packets, whose points carry a Doppler bin instead of a velocity.</summary>
    public float ClosingSpeedMps { get; init; }

    /// <summary>SNR of the nearest point from the side-info TLV (0.1 dB units → dB); NaN without side info.</summary>
    public float NearestSnrDb { get; init; }

    /// <summary>The packet carried a side-info TLV (type 7).</summary>
    public bool HasSideInfo { get; init; }

    /// <summary>The radar reported no detected point (counted in <see cref="DecoderCounters.NoReturn"/>).</summary>
    public bool NoReturn => !HasTarget;
}

/// <summary>A detected point (type-1 TLV, dpif_pointcloud.h DPIF_PointCloudCartesian).</summary>
/// <param name="X">Metres, across the boresight.</param>
/// <param name="Y">Metres, along the boresight.</param>
/// <param name="Z">Metres, up.</param>
/// <param name="VelocityMps">Radial velocity, m/s, positive = moving away; NaN on legacy SDK 2.x packets.</param>
public readonly record struct MmwavePoint(float X, float Y, float Z, float VelocityMps)
{
    /// <summary>√(x²+y²+z²), metres.</summary>
    public float RangeM => MathF.Sqrt(X * X + Y * Y + Z * Z);
}

/// <summary>Side info of one point (type-7 TLV, dpif_pointcloud.h DPIF_PointCloudSideInfo), in 0.1 dB.</summary>
/// <param name="SnrTenthDb">SNR, 0.1 dB units.</param>
/// <param name="NoiseTenthDb">Noise, 0.1 dB units.</param>
public readonly record struct MmwaveSideInfo(short SnrTenthDb, short NoiseTenthDb)
{
    /// <summary>SNR in dB.</summary>
    public float SnrDb => SnrTenthDb / 10f;

    /// <summary>Noise in dB.</summary>
    public float NoiseDb => NoiseTenthDb / 10f;
}
