using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Kavach.Edge.Tests.Support;

/// <summary>A LiDAR at 100 Hz and a radar at 20 Hz as JSON lines on one TCP connection.</summary>
public sealed class ObstacleFeeder(int port)
{
    /// <summary>Writes the configuration of a daemon these lines suit: the LiDAR and radar on one tcp-listen port, the reference at
    /// 120 m, short confirm and hold times (<paramref name="holdMs"/>), an uplink to the broker on <paramref name="brokerPort"/>.</summary>
    public static Task WriteDaemonConfigAsync(
        string path,
        string deviceId,
        int sensorPort,
        string db,
        int brokerPort,
        int holdMs,
        int reconnectMaxMs
    ) =>
        File.WriteAllTextAsync(
            path,
            $$"""
            {
              "Device": { "Id": "{{deviceId}}" },
              "Sensors": [
                { "Name": "lidar", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": {{sensorPort}} },
                  "BaselineStrength": 2000, "BaselineRangeM": 60 },
                { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": {{sensorPort}} } }
              ],
              "Risk": { "ReferenceRangeM": 120, "ConfirmMs": 100, "HighHoldMs": {{holdMs}}, "MediumHoldMs": {{holdMs}}, "FaultHoldMs": {{holdMs}}, "StartupGraceMs": 0 },
              "Storage": { "Path": "{{db}}" },
              "Uplink": { "Host": "127.0.0.1", "Port": {{brokerPort}}, "ReconnectMinMs": 100, "ReconnectMaxMs": {{reconnectMaxMs}}, "TelemetryMs": 0 },
              "Api": { "Urls": "http://127.0.0.1:0" },
              "Logging": { "File": "", "Console": true }
            }
            """
        );

    private CancellationTokenSource? _cts;
    private Task _run = Task.CompletedTask;

    public volatile bool Obstacle;

    public async Task StartAsync()
    {
        _cts = new CancellationTokenSource();
        var client = new TcpClient();
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.ConnectAsync("127.0.0.1", port);
                break;
            }
            catch (SocketException) when (sw.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
            }
        }
        _run = Task.Run(() => RunAsync(client, _cts.Token));
    }

    private async Task RunAsync(TcpClient client, CancellationToken ct)
    {
        using var _ = client;
        var stream = client.GetStream();
        var n = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                n++;
                var j = (n % 7) * 0.01;
                var sb = new StringBuilder();
                sb.Append(
                    CultureInfo.InvariantCulture,
                    $"{{\"sensor\":\"lidar\",\"distance\":{120 + j:0.00},\"strength\":{414 + n % 5},\"c\":1}}\n"
                );
                if (n % 5 == 0)
                {
                    var range = Obstacle ? 60 + (n % 3) * 0.02 : 120 + (n % 3) * 0.02;
                    sb.Append(
                        CultureInfo.InvariantCulture,
                        $"{{\"sensor\":\"radar\",\"range\":{range:0.00},\"speed\":{(n % 3) * 0.001:0.000},\"snr\":20,\"targets\":1}}\n"
                    );
                }
                await stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException) { }
    }

    public async Task StopAsync()
    {
        _cts?.Cancel();
        await _run;
    }
}
