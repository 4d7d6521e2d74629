using System.Net;
using System.Net.Sockets;
using System.Text;
using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>
/// Who may feed a tcp-listen sensor (issue 13 items 4 and 5), on real loopback sockets: Linux routes all of
/// 127.0.0.0/8 to lo, so a client bound to 127.0.0.2 is "another host" for AllowedClients.
/// </summary>
public class TcpListenGuardTests
{
    private static readonly byte[] Line = Encoding.UTF8.GetBytes("{\"distance\": 42.5, \"strength\": 1500}\n");

    private static string Config(string transport, int timeoutMs = 2000) =>
        SensorJson.Config(
            $$"""{ "Name": "lidar", "Kind": "lidar", "TimeoutMs": {{timeoutMs}}, "Transport": { "Type": "tcp-listen", "Port": 0, {{transport}} } }"""
        );

    private static async Task<Socket> ConnectFromAsync(string source, IPEndPoint to)
    {
        var from = IPAddress.Parse(source);
        var s = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.Bind(new IPEndPoint(from, 0));
        await s.ConnectAsync(to);
        return s;
    }

    /// <summary>True once the daemon has closed <paramref name="s"/> (end of stream or reset).</summary>
    private static async Task<bool> ClosedByDaemonAsync(Socket s, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            return await s.ReceiveAsync(new byte[64], SocketFlags.None, cts.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_client_outside_AllowedClients_is_closed_unread_counted_and_logged_once()
    {
        await using var h = await new InputHarness(
            Config("\"Host\": \"127.0.0.1\", \"AllowedClients\": [\"127.0.0.2\", \"10.0.0.0/8\"]")
        ).StartAsync();
        var port = h.Service.BoundEndpoints["lidar"];

        for (var i = 0; i < 3; i++)
        {
            using var intruder = await ConnectFromAsync("127.0.0.1", port);
            try
            {
                await intruder.SendAsync(Line);
            }
            catch (SocketException) { } // it may already be closed
            Assert.True(await ClosedByDaemonAsync(intruder, TimeSpan.FromSeconds(5)), "the daemon closes a client it does not allow");
        }
        await Eventually.WaitAsync(() => h.Sensor("lidar").ClientsRefused == 3, "three refusals counted");

        using var sensor = await ConnectFromAsync("127.0.0.2", port);
        await sensor.SendAsync(Line);
        await h.WaitForReadingsAsync("lidar", 1);

        Assert.Equal(1, h.Count("lidar")); // nothing of the intruders' lines was read
        Assert.Equal(Line.Length, h.Sensor("lidar").Bytes);
        Assert.Equal(
            1,
            h.Log.Count(LogLevel.Warning, "refused a client from 127.0.0.1: not in Transport.AllowedClients (127.0.0.2/32, 10.0.0.0/8)")
        );
        Assert.Equal(3, h.Sensor("lidar").Health(TimeProvider.System.GetTimestamp(), TimeProvider.System).ClientsRefused);
    }

    [Fact]
    public async Task On_a_dual_stack_port_an_ipv4_client_matches_ipv4_entries_and_ipv6_entries_are_exact()
    {
        await using var h = await new InputHarness(
            Config("\"Host\": \"::\", \"AllowedClients\": [\"127.0.0.1\"], \"MaxClients\": 2")
        ).StartAsync();
        var port = h.Service.BoundEndpoints["lidar"].Port;

        using var v6 = await ConnectFromAsync("::1", new IPEndPoint(IPAddress.IPv6Loopback, port));
        Assert.True(await ClosedByDaemonAsync(v6, TimeSpan.FromSeconds(5)), "::1 is not in the list");
        using var v4 = await ConnectFromAsync("127.0.0.1", new IPEndPoint(IPAddress.Loopback, port)); // arrives as ::ffff:127.0.0.1
        await v4.SendAsync(Line);
        await h.WaitForReadingsAsync("lidar", 1);
        Assert.Equal(1, h.Sensor("lidar").ClientsRefused);
        Assert.Equal(1, h.Log.Count(LogLevel.Warning, "refused a client from ::1"));
    }

    [Fact]
    public async Task Sixteen_idle_sockets_do_not_keep_the_real_sensor_out_past_the_idle_timeout()
    {
        await using var h = await new InputHarness(Config("\"Host\": \"127.0.0.1\"", timeoutMs: 500)).StartAsync();
        var port = h.Service.BoundEndpoints["lidar"];
        var idle = new List<Socket>();
        for (var i = 0; i < 16; i++)
            idle.Add(await ConnectFromAsync("127.0.0.1", port));
        try
        {
            // one of them keeps sending garbage: bytes that never decode hold no slot either
            using var garbage = new CancellationTokenSource();
            var noise = Task.Run(async () =>
            {
                try
                {
                    while (!garbage.IsCancellationRequested)
                    {
                        await idle[0].SendAsync("not json at all\n"u8.ToArray());
                        await Task.Delay(50);
                    }
                }
                catch (SocketException) { }
            });

            // the real sensor, like a serial-to-Ethernet converter, reconnects until it is served
            await Wait.UntilAsync(
                async () =>
                {
                    using var s = await ConnectFromAsync("127.0.0.1", port);
                    try
                    {
                        await s.SendAsync(Line);
                    }
                    catch (SocketException) { }
                    await Task.Delay(100);
                    return h.Count("lidar") > 0;
                },
                "a reading from the real sensor",
                TimeSpan.FromSeconds(10)
            );
            await garbage.CancelAsync();
            await noise;

            Assert.True(h.Sensor("lidar").ClientsOverLimit >= 15, $"over limit: {h.Sensor("lidar").ClientsOverLimit}");
            Assert.True(h.Log.Count(LogLevel.Information, "idle: no frame for 500 ms") >= 1);
            Assert.True(await ClosedByDaemonAsync(idle[0], TimeSpan.FromSeconds(1)), "the garbage sender was closed");
        }
        finally
        {
            foreach (var s in idle)
                s.Dispose();
        }
    }

    [Fact]
    public async Task A_second_source_for_one_sensor_is_a_named_fault_cleared_when_it_goes()
    {
        await using var h = await new InputHarness(Config("\"Host\": \"127.0.0.1\", \"MaxClients\": 2")).StartAsync();
        var port = h.Service.BoundEndpoints["lidar"];
        using var real = await ConnectFromAsync("127.0.0.1", port);
        var spoof = await ConnectFromAsync("127.0.0.1", port);

        using var stop = new CancellationTokenSource();
        async Task Feed(Socket s)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await s.SendAsync(Line);
                    await Task.Delay(40);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }
        var feeding = Task.WhenAll(Feed(real), Feed(spoof));
        await Eventually.WaitAsync(
            () => h.Faults.Snapshot().Any(f => f.StartsWith("two sources for sensor lidar", StringComparison.Ordinal)),
            "the two-sources fault"
        );
        Assert.Equal(
            "two sources for sensor lidar",
            h.Sensor("lidar").Health(TimeProvider.System.GetTimestamp(), TimeProvider.System).Fault
        );
        Assert.Equal(1, h.Log.Count(LogLevel.Warning, "FAULT: two sources"));

        spoof.Dispose(); // one goes away: the fault clears while the real sensor goes on
        await Eventually.WaitAsync(() => h.Faults.Snapshot().Count == 0, "the fault cleared");
        Assert.Null(h.Sensor("lidar").Health(TimeProvider.System.GetTimestamp(), TimeProvider.System).Fault);
        Assert.Equal(1, h.Log.Count(LogLevel.Information, "one source again"));
        await stop.CancelAsync();
        await feeding;
    }

    [Fact]
    public async Task In_the_daemon_the_two_sources_fault_reaches_the_risk_state()
    {
        await using var d = await DaemonUnderTest.StartAsync(overrides: new() { ["Sensors:0:Transport:MaxClients"] = "2" });
        var risk = d.Host.Services.GetRequiredService<Kavach.Edge.Risk.RiskStateMachine>();
        using var real = await d.ConnectAsync("lidar");
        using var spoof = await d.ConnectAsync("lidar");
        using var stop = new CancellationTokenSource();
        async Task Feed(SensorClient c)
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await c.SendAsync("{\"sensor\":\"lidar\",\"distance\":40,\"c\":1,\"strength\":1500}\n");
                    await Task.Delay(40);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        }
        var feeding = Task.WhenAll(Feed(real), Feed(spoof));
        await Wait.UntilAsync(
            () => risk.ActiveFaults.Contains("two sources for sensor lidar: frames from two connections interleave"),
            () => "the fault in the risk state; active: " + string.Join(" / ", risk.ActiveFaults)
        );

        // a third client finds both slots taken: refused, and counted where the operator looks
        using (var third = await d.ConnectAsync("lidar"))
            await Wait.UntilAsync(() => d.Sensor("lidar").ClientsOverLimit == 1, "the third client refused");
        using var http = d.NewHttpClient();
        Assert.Contains(
            "kavach_edge_sensor_clients_refused{reason=\"over-limit\",sensor=\"lidar\"} 1",
            await http.GetStringAsync("/metrics"),
            StringComparison.Ordinal
        );
        await stop.CancelAsync();
        await feeding;
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_reconnecting_sensor_is_one_source_not_two()
    {
        await using var h = await new InputHarness(Config("\"Host\": \"127.0.0.1\"")).StartAsync();
        var port = h.Service.BoundEndpoints["lidar"];
        for (var i = 0; i < 5; i++)
        {
            using var s = await ConnectFromAsync("127.0.0.1", port);
            await s.SendAsync(Line);
            await h.WaitForReadingsAsync("lidar", i + 1);
        }
        await Task.Delay(1500); // the monitor looks once a second
        Assert.Empty(h.Faults.Snapshot());
        Assert.Equal(0, h.Sensor("lidar").ClientsOverLimit); // each reconnect found its slot free at once
    }

    [Fact]
    public async Task An_accept_error_is_logged_once_and_the_port_keeps_listening()
    {
        var h = new InputHarness(Config("\"Host\": \"127.0.0.1\""));
        await using var _ = h;
        var failures = 0;
        h.Service.Accept = (listener, ct) =>
            Interlocked.Increment(ref failures) <= 3
                ? ValueTask.FromException<Socket>(new SocketException((int)SocketError.TooManyOpenSockets))
                : listener.AcceptAsync(ct);
        await h.StartAsync();

        using var s = await ConnectFromAsync("127.0.0.1", h.Service.BoundEndpoints["lidar"]);
        await s.SendAsync(Line);
        await h.WaitForReadingsAsync("lidar", 1);
        Assert.Equal(1, h.Log.Count(LogLevel.Warning, "accepting a client failed (TooManyOpenSockets); still listening"));
        Assert.Equal(1, h.Log.Count(LogLevel.Information, "accepting clients again after 3 failed accept(s)"));
    }
}
