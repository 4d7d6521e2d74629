namespace Kavach.Simulation;

/// <summary>The wire format a simulated sensor writes (scenario key <c>protocol</c>).</summary>
public enum SimProtocol
{
    /// <summary><c>json-lines</c>: one JSON object per line (any kind of sensor).</summary>
    JsonLines = 0,

    /// <summary><c>tf-series</c>: Benewake 9-byte frames (LiDAR).</summary>
    TfSeries = 1,

    /// <summary><c>ti-mmwave</c>: TI out-of-box demo packets with a point cloud (radar).</summary>
    TiMmwave = 2,

    /// <summary><c>ops243</c>: OmniPreSense OPS243 text lines (radar).</summary>
    Ops243 = 3,

    /// <summary><c>ld06</c>: LDROBOT LD06 47-byte packets (2D LiDAR).</summary>
    Ld06 = 4,

    /// <summary><c>nmea</c>: NMEA 0183 RMC, VTG and GGA sentences (GNSS receiver).</summary>
    Nmea = 5,
}

/// <summary>
/// The sensor model (scenario key <c>variant</c>): range limits, units, threshold and the "no return"
/// convention of a real device. Which variants fit which kind: see <see cref="SimNames.VariantFits"/>.
/// </summary>
public enum SensorVariant
{
    /// <summary>Not given: the default for the kind and protocol.</summary>
    Default = 0,

    /// <summary><c>tf03</c>: Benewake TF03-100, 0.1–100 m, strength 0–3500, threshold 40.</summary>
    Tf03,

    /// <summary><c>tf03-180</c>: Benewake TF03-180, 0.1–180 m.</summary>
    Tf03Long,

    /// <summary><c>tf-luna</c>: 0.2–8 m, threshold 100, no distance sentinel.</summary>
    TfLuna,

    /// <summary><c>tfmini-s</c>: 0.1–12 m, distance 0xFFFF when strength ≤ 100.</summary>
    TfminiS,

    /// <summary><c>tfmini-plus</c>: 0.1–12 m, distance 0 when strength &lt; 100.</summary>
    TfminiPlus,

    /// <summary><c>tf02-pro</c>: up to 40 m, distance 4500 cm when strength &lt; 60.</summary>
    Tf02Pro,

    /// <summary><c>ld06</c>: LDROBOT LD06 2D scanner, 0.02–12 m.</summary>
    Ld06,

    /// <summary><c>awr1843</c>: TI long-range automotive radar (simulated to 250 m).</summary>
    Awr1843,

    /// <summary><c>iwr6843</c>: TI industrial radar (simulated to 100 m).</summary>
    Iwr6843,

    /// <summary><c>ops243</c>: OmniPreSense OPS243-C (FMCW range and Doppler, simulated to 60 m).</summary>
    Ops243,

    /// <summary><c>normalised</c>: camera visibility as visibility_m / 2000 clamped to 0..1.</summary>
    CameraNormalised,

    /// <summary><c>metres</c>: camera visibility in metres.</summary>
    CameraMetres,

    /// <summary><c>ublox</c>: a multi-GNSS receiver of the u-blox M8 class (speed 0.05 m/s, course 0.3°, position about 2 m, 1σ).</summary>
    Ublox,
}

/// <summary>A fault the simulator injects into a sensor's byte stream (scenario key <c>faults[].type</c>).</summary>
public enum FaultType
{
    /// <summary>No fault: a clean frame.</summary>
    None = 0,

    /// <summary><c>garbage</c>: random bytes before the frame.</summary>
    Garbage,

    /// <summary><c>bad-checksum</c>: the frame with its checksum (or one payload byte for formats without one) corrupted.</summary>
    BadChecksum,

    /// <summary><c>truncated</c>: only the first part of the frame.</summary>
    Truncated,

    /// <summary><c>dropout</c>: the frame is not sent (use a probability below 1).</summary>
    Dropout,

    /// <summary><c>stuck</c>: the last clean frame is sent again, byte for byte.</summary>
    Stuck,

    /// <summary><c>silent</c>: nothing is sent.</summary>
    Silent,

    /// <summary>
    /// <c>no-fix</c> (GNSS only): the receiver keeps sending, but without a fix (a tunnel, a deep cutting): RMC status V,
    /// VTG mode N, GGA quality 0, no position, speed or course.
    /// </summary>
    NoFix,
}

/// <summary>The risk level a scenario expects the daemon to report (scenario key <c>expect[].level</c>).</summary>
public enum ExpectedRisk
{
    Low = 0,
    Medium,
    High,
    Fault,
}
