using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Sensors;

public class TcpClientTransportTests
{
    private static byte[] Tf(ushort cm)
    {
        var b = new byte[TfSeriesEncoder.FrameLength];
        TfSeriesEncoder.Encode(b, cm, 900, 30);
        return b;
    }

    private static string Config(int port) =>
        SensorJson.Config(
            $$"""
            { "Name": "lidar", "Kind": "lidar", "Protocol": "tf-series", "Variant": "tf03",
              "Transport": { "Type": "tcp-client", "Host": "127.0.0.1", "Port": {{port}} } }
            """
        );

    [Fact]
    public async Task Reconnects_when_the_server_goes_away_and_comes_back()
    {
        using var server = new TcpSensorServer();
        await using var h = await new InputHarness(Config(server.Port)).StartAsync();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);
        await Eventually.WaitAsync(() => server.Connected == 1, "the daemon connected");
        server.Send(Tf(111));
        await h.WaitForReadingsAsync("lidar", 1);

        server.Stop(); // the peer goes away; reconnect attempts are refused for a while
        await h.WaitForConnectionAsync("lidar", ConnectionState.Disconnected);
        await Task.Delay(600); // several refused tries at the test's 100→500 ms backoff (not an assertion: it lets tries happen)

        server.Start();
        await Eventually.WaitAsync(() => server.Connected == 1, "the daemon reconnected");
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);
        server.Send(Tf(222));
        await h.WaitForReadingsAsync("lidar", 2);
        Assert.Equal(2.22f, h.Readings[^1].DistanceM, 3);
        Assert.True(h.Sensor("lidar").Connects >= 2);

        // once per state change, not per try
        Assert.Equal(1, h.Log.Count(LogLevel.Warning, "lost tcp 127.0.0.1"));
        Assert.Equal(0, h.Log.Count(LogLevel.Warning, "cannot connect"));
        Assert.Equal(2, h.Log.Count(LogLevel.Information, "connected to tcp"));
    }

    [Fact]
    public async Task A_sensor_that_is_not_there_at_start_is_logged_once_and_picked_up_when_it_appears()
    {
        using var server = new TcpSensorServer();
        var port = server.Port;
        server.Stop();
        await using var h = await new InputHarness(Config(port)).StartAsync();
        await Eventually.WaitAsync(() => h.Log.Count(LogLevel.Warning, "cannot connect") == 1, "the first failure logged");
        await Task.Delay(800); // let more tries fail
        Assert.Equal(1, h.Log.Count(LogLevel.Warning, "cannot connect"));
        Assert.NotEqual(ConnectionState.Connected, h.Sensor("lidar").Connection);

        server.Start();
        await h.WaitForConnectionAsync("lidar", ConnectionState.Connected);
        await Eventually.WaitAsync(() => server.Connected == 1, "accepted");
        server.Send(Tf(333));
        await h.WaitForReadingsAsync("lidar", 1);
    }
}
