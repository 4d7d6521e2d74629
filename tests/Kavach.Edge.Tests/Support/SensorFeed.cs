using System.Text;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// Streams a live LiDAR, radar and camera into a running daemon over its loopback TCP inputs (JSON lines,
/// 10 Hz bursts as in TcpJsonLinesEndToEndTests): clear air at 120 m, or a car stalled 60 m from the
/// post while <see cref="Obstacle"/> is set. Use with Risk:ReferenceRangeM=120 and Risk:StartupGraceMs=0.
/// </summary>
public sealed class SensorFeed : IAsyncDisposable
{
    private readonly SensorClient _lidar,
        _radar,
        _camera;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private SensorFeed(SensorClient lidar, SensorClient radar, SensorClient camera)
    {
        (_lidar, _radar, _camera) = (lidar, radar, camera);
        _run = Task.Run(RunAsync);
    }

    /// <summary>The daemon's configuration overrides this feed expects.</summary>
    public static Dictionary<string, string?> Overrides(Dictionary<string, string?>? more = null)
    {
        var o = new Dictionary<string, string?> { ["Risk:ReferenceRangeM"] = "120", ["Risk:StartupGraceMs"] = "0" };
        if (more is not null)
            foreach (var kv in more)
                o[kv.Key] = kv.Value;
        return o;
    }

    /// <summary>While true, a car stands 60 m from the post (inside the 150 m zone): HIGH after the confirmation time.</summary>
    public volatile bool Obstacle;

    public static async Task<SensorFeed> StartAsync(DaemonUnderTest d) =>
        new(await d.ConnectAsync("lidar"), await d.ConnectAsync("radar"), await d.ConnectAsync("camera"));

    private async Task RunAsync()
    {
        var buf = new byte[JsonLineEncoder.MaxLineLength];
        var t = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var obstacle = Obstacle;
                float lidarM = obstacle ? 60 : 120,
                    strength = obstacle ? 1900 : 430,
                    radarM = obstacle ? 60 : 120;
                var lidar = new StringBuilder();
                for (var k = 0; k < 10; k++)
                    lidar.Append(
                        Encoding.UTF8.GetString(
                            buf,
                            0,
                            JsonLineEncoder.WriteLidar(buf, lidarM + ((t * 10 + k) % 7) * 0.01f, 0.9f, strength + k)
                        )
                    );
                await _lidar.SendAsync(lidar.ToString());
                await _radar.SendAsync(
                    Encoding.UTF8.GetString(buf, 0, JsonLineEncoder.WriteRadar(buf, radarM + (t % 5) * 0.02f, 0, 20, 1))
                );
                await _camera.SendAsync(Encoding.UTF8.GetString(buf, 0, JsonLineEncoder.WriteCamera(buf, 1)));
                t++;
                await Task.Delay(100, _stop.Token);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { } // the daemon stopped first
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _run;
        _lidar.Dispose();
        _radar.Dispose();
        _camera.Dispose();
        _stop.Dispose();
    }
}
