using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Kavach.Edge.Tests.Support;

/// <summary>A LiDAR at 100 Hz and a radar at 20 Hz as JSON lines on one TCP connection.</summary>
public sealed class ObstacleFeeder(int port)
{
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
