using System.Text;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A locomotive daemon's sensors on loopback TCP (LocomotiveDaemonTests, the cab display's tests): a GNSS receiver speaking
/// NMEA (5 Hz), a LiDAR (180 m reach), a radar and a camera speaking JSON lines at 10 Hz. The default train: S(40 km/h)
/// 273 m, stop-within-sight speed 31 km/h for 180 m (docs/locomotive.md).
/// </summary>
public static class CabFeed
{
    public const string Config = """
        {
          "Device": { "Id": "loco-30123-cab", "Mode": "locomotive" },
          "Train": { "Class": "loaded passenger (defaults)" },
          "Risk": { "StartupGraceMs": 0 },
          "Sensors": [
            { "Name": "lidar", "Kind": "lidar", "MaxRangeM": 180, "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
            { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
            { "Name": "camera", "Kind": "camera", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
            { "Name": "gps", "Kind": "gnss", "Protocol": "nmea", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }
          ],
          "Logging": { "File": "" }
        }
        """;

    /// <summary>What the cab's sensors report, changed by the test while the feed runs.</summary>
    public sealed class Scene
    {
        public volatile float SpeedKmh = 40;
        public volatile bool GnssSilent;
        public volatile float VisibilityM = 5000;

        /// <summary>Range of an object on the track ahead, m (NaN: none); it closes at the train's speed.</summary>
        public float ObstacleM = float.NaN;

        /// <summary>
        /// Non-null: the receiver also gives its position (RMC instead of VTG), running east along latitude
        /// <see cref="RouteOrigin"/>'s from its longitude, this many metres along (advanced at the train's speed): the first,
        /// straight kilometres of deploy/route.sample.csv's UP-MAIN line.
        /// </summary>
        public double? EastM;
    }

    /// <summary>Where deploy/route.sample.csv's UP-MAIN line starts; it runs due east for its first 3.9 km.</summary>
    public static readonly (double Lat, double Lon) RouteOrigin = (26.8, 80.9);

    /// <summary><see cref="Config"/> with a Route section loading <paramref name="routeFile"/>.</summary>
    public static string ConfigWithRoute(string routeFile) =>
        Config.Replace(
            "\"Logging\"",
            $"\"Route\": {{ \"Files\": [\"{routeFile.Replace("\\", "/", StringComparison.Ordinal)}\"] }},\n  \"Logging\"",
            StringComparison.Ordinal
        );

    /// <summary>Connects to the four sensors and feeds them every 100 ms until <c>Stop</c> is cancelled; await <c>Run</c> after.</summary>
    public static async Task<(Task Run, CancellationTokenSource Stop)> StartAsync(DaemonUnderTest d, Scene cab)
    {
        var lidar = await d.ConnectAsync("lidar");
        var radar = await d.ConnectAsync("radar");
        var camera = await d.ConnectAsync("camera");
        var gps = await d.ConnectAsync("gps");
        var stop = new CancellationTokenSource();
        var run = Task.Run(async () =>
        {
            var buf = new byte[JsonLineEncoder.MaxLineLength];
            var t = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var v = cab.SpeedKmh / 3.6f;
                    var obstacle = cab.ObstacleM;
                    if (!float.IsNaN(obstacle))
                        cab.ObstacleM = obstacle - v * 0.1f;
                    var seen = !float.IsNaN(obstacle) && obstacle <= 180;
                    var lines = new StringBuilder();
                    for (var k = 0; k < 10; k++)
                        lines.Append(
                            Encoding.UTF8.GetString(
                                buf,
                                0,
                                JsonLineEncoder.WriteLidar(buf, seen ? obstacle - v * 0.01f * k : null, 0.9f, seen ? 900 : null)
                            )
                        );
                    await lidar.SendAsync(lines.ToString());
                    await radar.SendAsync(
                        Encoding.UTF8.GetString(
                            buf,
                            0,
                            float.IsNaN(obstacle)
                                ? JsonLineEncoder.WriteRadar(buf, null, null, null, 0)
                                : JsonLineEncoder.WriteRadar(buf, obstacle, v, 20, 1)
                        )
                    );
                    await camera.SendAsync(Encoding.UTF8.GetString(buf, 0, JsonLineEncoder.WriteCameraMetres(buf, cab.VisibilityM)));
                    if (cab.EastM is { } east)
                        cab.EastM = east + v * 0.1;
                    if (!cab.GnssSilent && t % 2 == 0 && cab.EastM is { } along) // a 5 Hz receiver with its position: RMC
                    {
                        var (_, mLon) = Kavach.Edge.Route.LocalFrame.MetresPerDegree(RouteOrigin.Lat);
                        var rmc = NmeaFrame.Empty(NmeaSentence.Rmc, NmeaTalker.Combined) with
                        {
                            Valid = true,
                            Mode = NmeaMode.Autonomous,
                            LatitudeDeg = RouteOrigin.Lat,
                            LongitudeDeg = RouteOrigin.Lon + along / mLon,
                            CourseTrueDeg = 90,
                            SpeedKnots = cab.SpeedKmh / NmeaFrame.KmhPerKnot,
                            SpeedKmh = cab.SpeedKmh,
                            UtcTimeS = DateTimeOffset.UtcNow.TimeOfDay.TotalSeconds,
                            UtcDate = DateOnly.FromDateTime(DateTime.UtcNow),
                        };
                        await gps.SendAsync(Encoding.ASCII.GetString(buf, 0, NmeaEncoder.Encode(buf, rmc)));
                    }
                    else if (!cab.GnssSilent && t % 2 == 0) // a 5 Hz receiver: VTG with speed and course
                    {
                        var vtg = NmeaFrame.Empty(NmeaSentence.Vtg, NmeaTalker.Combined) with
                        {
                            Valid = true,
                            Mode = NmeaMode.Autonomous,
                            CourseTrueDeg = 90,
                            SpeedKmh = cab.SpeedKmh,
                            SpeedKnots = cab.SpeedKmh / NmeaFrame.KmhPerKnot,
                        };
                        await gps.SendAsync(Encoding.ASCII.GetString(buf, 0, NmeaEncoder.Encode(buf, vtg)));
                    }
                    t++;
                    await Task.Delay(100, stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { } // the daemon stopped first
            finally
            {
                lidar.Dispose();
                radar.Dispose();
                camera.Dispose();
                gps.Dispose();
            }
        });
        return (run, stop);
    }
}
