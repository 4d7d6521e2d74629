using System.Text;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>
/// The nmea protocol entry end to end: hand-written sentences from a "receiver" on a socat pseudo-terminal and on a
/// loopback TCP server, through the real transports and decoder, into readings, the fusion engine and the snapshot's
/// own motion. The readings are stamped on a FakeTimeProvider, so trusted → stale is decided by the test's clock.
/// </summary>
public sealed class NmeaInputTests
{
    // Checksums: XOR of the bytes between '$' and '*' (NMEA 0183), worked out by hand for each line.
    private const string Gga = "$GNGGA,101500.00,2836.50000,N,07712.30000,E,1,09,0.90,215.3,M,-35.2,M,,*61\r\n";
    private const string Rmc = "$GNRMC,101500.00,A,2836.50000,N,07712.30000,E,40.500,90.00,041226,,,A*74\r\n";
    private const string Vtg = "$GNVTG,90.50,T,,M,40.600,N,75.191,K,A*16\r\n";
    private const string BadChecksum = "$GPRMC,101501.00,A,2836.51000,N,07712.30000,E,41.000,90.00,041226,,,A*00\r\n"; // *6E on the wire

    /// <summary>Garbage, GGA, RMC, an RMC with a wrong checksum, VTG; the last sentence split across two writes.</summary>
    private static readonly byte[][] Chunks =
    [
        [0x00, 0xFF, 0x13, .. "noise\r\n"u8, .. Encoding.ASCII.GetBytes(Gga + Rmc + BadChecksum + Vtg[..20])],
        Encoding.ASCII.GetBytes(Vtg[20..]),
    ];

    private static readonly DateTimeOffset Start = new(2026, 12, 4, 10, 15, 0, TimeSpan.Zero);

    private static KavachOptions Options(string transport)
    {
        var (o, errors) = TestConfig.Bind(
            $$"""
            {
              "Device": { "Id": "loco-30123-cab", "Mode": "locomotive" },
              "Train": { "Class": "test train" },
              "Sensors": [
                { "Name": "lidar", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03",
                  "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
                { "Name": "gps", "Kind": "gnss", "Protocol": "nmea", "Transport": {{transport}} }
              ],
              "Logging": { "File": "" }
            }
            """
        );
        Assert.Empty(errors);
        return o;
    }

    [Fact]
    public async Task Sentences_over_a_serial_pseudo_terminal_become_the_trusted_own_speed_then_stale_when_the_receiver_stops()
    {
        using var pair = await SocatPair.StartAsync();
        var clock = new FakeTimeProvider(Start);
        await using var h = await new InputHarness(
            Options($$"""{ "Type": "serial", "Path": "{{pair.DevicePath}}", "Baud": 9600 }"""),
            clock
        ).StartAsync();
        await h.WaitForConnectionAsync("gps", ConnectionState.Connected);
        await using (var receiver = pair.OpenSensor())
        {
            foreach (var chunk in Chunks)
            {
                await receiver.WriteAsync(chunk);
                await receiver.FlushAsync();
            }
            await WaitForAllAsync(h);
        }
        Check(h, clock);
    }

    [Fact]
    public async Task Sentences_over_loopback_tcp_become_the_trusted_own_speed_then_stale_when_the_receiver_stops()
    {
        using var server = new TcpSensorServer();
        var clock = new FakeTimeProvider(Start);
        await using var h = await new InputHarness(
            Options($$"""{ "Type": "tcp-client", "Host": "127.0.0.1", "Port": {{server.Port}} }"""),
            clock
        ).StartAsync();
        await Eventually.WaitAsync(() => server.Connected == 1, "the daemon connected");
        await h.WaitForConnectionAsync("gps", ConnectionState.Connected);
        foreach (var chunk in Chunks)
            server.Send(chunk);
        await WaitForAllAsync(h);
        Check(h, clock);
    }

    private static async Task WaitForAllAsync(InputHarness h)
    {
        await h.WaitForReadingsAsync("gps", 3);
        var gps = h.Sensor("gps");
        await Eventually.WaitAsync(
            () => gps.Rejects(RejectReason.BadChecksum) == 1 && gps.Frames == 3,
            TimeSpan.FromSeconds(10),
            $"3 frames and 1 bad checksum (have {gps.Frames}, {gps.Rejects(RejectReason.BadChecksum)})"
        );
    }

    private static void Check(InputHarness h, FakeTimeProvider clock)
    {
        var gps = h.Sensor("gps");
        Assert.Equal(1, gps.Rejects(RejectReason.BadChecksum));
        Assert.True(gps.Rejects(RejectReason.BadHeader) >= 1, "the garbage bytes are a bad-header run");
        Assert.Equal(3, gps.Frames);

        // one reading per sentence, with what the receiver claims
        var readings = h.Readings;
        Assert.All(readings, r => Assert.Equal(gps.Index, r.Sensor));
        Assert.Equal([NmeaSentence.Gga, NmeaSentence.Rmc, NmeaSentence.Vtg], readings.Select(r => r.GnssSentence));
        Assert.All(readings, r => Assert.Equal(SensorKind.Gnss, r.Kind));
        var (gga, rmc, vtg) = (readings[0], readings[1], readings[2]);
        Assert.True(gga.GnssValid);
        Assert.Equal(1, gga.FixQuality);
        Assert.Equal(9, gga.Satellites);
        Assert.Equal(0.9f, gga.Hdop, 4);
        Assert.True(float.IsNaN(gga.SpeedMps));
        Assert.Equal(NmeaMode.Autonomous, rmc.GnssMode);
        Assert.Equal(-1, rmc.FixQuality);
        Assert.Equal(-1, rmc.Satellites);
        Assert.Equal((float)(40.5 * 1852 / 3600), rmc.SpeedMps, 4);
        Assert.Equal(90f, rmc.CourseDeg);
        Assert.Equal((float)(75.191 / 3.6), vtg.SpeedMps, 4);
        Assert.Equal(90.5f, vtg.CourseDeg);
        Assert.True(float.IsNaN(vtg.DistanceM) && float.IsNaN(vtg.RangeM) && float.IsNaN(vtg.VisibilityM));

        var fusion = new FusionEngine(h.Options, clock);
        fusion.AddRange(readings.ToArray());
        var snap = fusion.Tick(clock.GetTimestamp());
        Assert.Equal(SpeedTrust.Trusted, snap.Motion.Trust);
        Assert.Equal(75.191 / 3.6, snap.Motion.SpeedMps, 4); // the latest speed sentence (VTG)
        Assert.Equal(90, snap.Motion.CourseDeg, 4); // the VTG came within 0.5 s of the RMC: the RMC's course stays the base
        var f = snap.Sensors[gps.Index];
        Assert.Equal(SensorKind.Gnss, f.Kind);
        Assert.True(f.Live);
        Assert.Equal(3, f.Frames);
        Assert.Equal(1f, f.ValidRatio);
        // the gnss readings went nowhere near the LiDAR's window
        Assert.False(snap.Sensors[0].EverSeen);
        Assert.Equal(0, snap.Sensors[0].Frames);

        // the receiver stops: the speed is stale after StaleMs (1500), the sensor after its TimeoutMs (2000)
        clock.Advance(TimeSpan.FromMilliseconds(1400));
        Assert.True(fusion.Tick(clock.GetTimestamp()).Motion.Trusted);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        snap = fusion.Tick(clock.GetTimestamp());
        Assert.Equal(SpeedTrust.Stale, snap.Motion.Trust);
        Assert.True(double.IsNaN(snap.Motion.SpeedMps));
        Assert.True(snap.Sensors[gps.Index].Live);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        snap = fusion.Tick(clock.GetTimestamp());
        Assert.True(snap.Sensors[gps.Index].Stale);
        Assert.Equal(SpeedTrust.Stale, snap.Motion.Trust);
    }
}
