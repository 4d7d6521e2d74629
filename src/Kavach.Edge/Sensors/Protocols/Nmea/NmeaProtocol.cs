using Kavach.Edge.Locomotive;
using Kavach.Protocols;

namespace Kavach.Edge.Sensors.Protocols;

/// <summary>
/// nmea: NMEA 0183 RMC, VTG and GGA sentences from a GNSS receiver (docs/protocols.md §8) → gnss readings, one per
/// sentence, carrying what the receiver claims (validity, mode, fix quality, satellites, HDOP, speed, course, position). Whether
/// the speed can be trusted is decided in fusion by <see cref="GnssSpeedTracker"/>, with the thresholds read here
/// (<c>StaleMs</c>, <c>MinSatellites</c>, <c>MaxHdop</c>: a <see cref="GnssTrustOptions"/> in the sensor's ProtocolOptions).
/// Locomotive mode only (docs/locomotive.md).
/// </summary>
public static class NmeaProtocol
{
    public static ProtocolEntry Entry { get; } =
        new()
        {
            Name = "nmea",
            Kinds = [SensorKind.Gnss],
            Connect = static (endpoint, queue, time) => Connection(endpoint.Primary, queue, time),
            OwnKeys = ["StaleMs", "MinSatellites", "MaxHdop"],
            ReadOptions = static (_, r) =>
            {
                var d = new GnssTrustOptions();
                return new GnssTrustOptions
                {
                    StaleMs = r.Int("StaleMs", d.StaleMs, 100, 60_000),
                    MinSatellites = r.Int("MinSatellites", d.MinSatellites, 0, 99),
                    MaxHdop = r.Double("MaxHdop", d.MaxHdop, 0.5, 100),
                };
            },
        };

    /// <summary>The tracker thresholds of a gnss sensor (its configured keys, or the defaults).</summary>
    public static GnssTrustOptions TrustOptions(Configuration.SensorOptions sensor) =>
        sensor.ProtocolOptions as GnssTrustOptions ?? new GnssTrustOptions();

    /// <summary>A connection of <paramref name="sensor"/>: each RMC, VTG or GGA sentence becomes one reading.</summary>
    public static FrameConnection<NmeaFrame> Connection(SensorState sensor, ReadingQueue queue, TimeProvider time) =>
        new(sensor, queue, time, new NmeaDecoder(), static (in NmeaFrame f, long _, ref Reading r) =>
        {
            r.GnssSentence = f.Sentence;
            r.GnssValid = f.Valid;
            r.GnssMode = f.Mode;
            r.FixQuality = f.FixQuality;
            r.Satellites = f.Satellites;
            r.Hdop = (float)f.Hdop;
            r.SpeedMps = (float)f.SpeedMps;
            r.CourseDeg = (float)f.CourseTrueDeg;
            r.LatitudeDeg = f.LatitudeDeg; // RMC and GGA carry the position (route matching, docs/route.md); VTG leaves NaN
            r.LongitudeDeg = f.LongitudeDeg;
            return FrameUse.Reading;
        });
}
