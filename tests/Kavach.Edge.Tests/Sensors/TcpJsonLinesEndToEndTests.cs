using System.Globalization;
using System.Text;
using Kavach.Edge.Assessment;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;
using Microsoft.Data.Sqlite;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>JSON lines through a real loopback socket into the running daemon and on into SQLite.</summary>
public class TcpJsonLinesEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>One 100 ms burst of a live clear-air world: 10 LiDAR lines, a radar line, a camera line.</summary>
    private static string Burst(
        int t,
        float? lidarM = 120,
        float strength = 430,
        float? radarM = 120,
        float speed = 0,
        float? cameraVis = 1
    )
    {
        var sb = new StringBuilder();
        var buf = new byte[JsonLineEncoder.MaxLineLength];
        for (var k = 0; k < 10; k++)
        {
            var n = JsonLineEncoder.WriteLidar(buf, lidarM + ((t * 10 + k) % 7) * 0.01f, 0.9f, strength + k);
            sb.Append(Encoding.UTF8.GetString(buf, 0, n));
        }
        sb.Append(
            Encoding.UTF8.GetString(buf, 0, JsonLineEncoder.WriteRadar(buf, radarM + (t % 5) * 0.02f, speed, 20, radarM is null ? 0 : 1))
        );
        if (cameraVis is { } v)
            sb.Append(Encoding.UTF8.GetString(buf, 0, JsonLineEncoder.WriteCamera(buf, v)));
        return sb.ToString();
    }

    private static async Task StreamAsync(
        SensorClient lidar,
        SensorClient radar,
        SensorClient? camera,
        double seconds,
        Func<int, string> burst,
        Func<bool>? until = null
    )
    {
        var ticks = (int)(seconds * 10);
        for (var t = 0; t < ticks && !(until?.Invoke() ?? false); t++)
        {
            var lines = burst(t).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var line in lines)
            {
                var target =
                    line.Contains("\"lidar\"", StringComparison.Ordinal) ? lidar
                    : line.Contains("\"radar\"", StringComparison.Ordinal) ? radar
                    : camera;
                if (target is not null)
                    await target.SendAsync(line + "\n");
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Lines_over_tcp_reach_the_risk_state_and_every_change_is_in_sqlite()
    {
        // the floor's path end to end (the model may legitimately alarm a tick earlier: tests/…/Model cover it)
        await using var d = await DaemonUnderTest.StartAsync(
            overrides: new()
            {
                ["Risk:ReferenceRangeM"] = "120",
                ["Risk:StartupGraceMs"] = "0",
                ["Model:Enabled"] = "false",
            }
        );
        using var lidar = await d.ConnectAsync("lidar");
        using var radar = await d.ConnectAsync("radar");
        using var camera = await d.ConnectAsync("camera");

        // clear air → LOW
        await StreamAsync(lidar, radar, camera, 8, t => Burst(t), () => d.Committed.Any(c => c.Level == RiskLevel.Low));
        await d.WaitForLevelAsync(RiskLevel.Low, Timeout);

        // a car stalls 60 m from the post → HIGH
        await StreamAsync(
            lidar,
            radar,
            camera,
            8,
            t => Burst(t, lidarM: 60, strength: 1900, radarM: 60),
            () => d.Committed.Any(c => c.Level == RiskLevel.High)
        );
        await d.WaitForLevelAsync(RiskLevel.High, Timeout);

        Assert.True(d.Sensor("lidar").Frames > 50);
        Assert.Equal(0, d.Sensor("lidar").TotalRejects);

        await using var db = new SqliteConnection($"Data Source={d.DatabasePath};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT level, previous, raised_by, software, config_hash, obstacle_range_m, reasons FROM events ORDER BY id";
        using var r = cmd.ExecuteReader();
        var rows = new List<(string Level, string? Prev, string By, string Sw, string Hash, double? Range, string Reasons)>();
        while (r.Read())
            rows.Add(
                (
                    r.GetString(0),
                    r.IsDBNull(1) ? null : r.GetString(1),
                    r.GetString(2),
                    r.GetString(3),
                    r.GetString(4),
                    r.IsDBNull(5) ? null : r.GetDouble(5),
                    r.GetString(6)
                )
            );
        Assert.True(
            rows.Select(x => x.Level).Take(3).SequenceEqual(["FAULT", "LOW", "HIGH"]),
            string.Join("\n", rows.Select(x => $"{x.Level}: {x.Reasons}"))
        );
        Assert.Equal("LOW", rows[2].Prev);
        Assert.Equal("floor", rows[2].By);
        Assert.Equal(d.Options.ConfigHash, rows[2].Hash);
        Assert.InRange(rows[2].Range!.Value, 58, 62);
        Assert.Equal(
            1,
            Convert.ToInt32(new SqliteCommand("PRAGMA user_version", db).ExecuteScalar(), CultureInfo.InvariantCulture) >= 1 ? 1 : 0
        );
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Malformed_lines_are_rejected_by_reason_and_the_daemon_keeps_running()
    {
        await using var d = await DaemonUnderTest.StartAsync(
            overrides: new()
            {
                ["Risk:ReferenceRangeM"] = "120",
                ["Sensors:0:Transport:MaxClients"] = "4",
                // lines without a valid frame for TimeoutMs close the client as idle: give a loaded machine time for all of them
                ["Sensors:0:TimeoutMs"] = "30000",
            }
        );
        var lidarState = d.Sensor("lidar");

        // a client that connects and sends nothing
        using var idle = await d.ConnectAsync("lidar");
        // a client that sends half a line and disconnects
        using (var partial = await d.ConnectAsync("lidar"))
            await partial.SendAsync("{\"sensor\":\"lidar\",\"dist");

        using var lidar = await d.ConnectAsync("lidar");
        await lidar.SendAsync("this is not json\n");
        await lidar.SendAsync("{\"sensor\":\"lidar\",\"distance\":\"far\"}\n");
        await lidar.SendAsync("{\"sensor\":\"lidar\",\"distance\":NaN}\n");
        await lidar.SendAsync("{\"sensor\":\"lidar\",\"distance\":-4}\n");
        await lidar.SendAsync("{\"sensor\":\"lidar\",\"distance\":1,\"pad\":\"" + new string('x', 70_000) + "\"}\n");
        await lidar.SendAsync("{\"sensor\":\"radar\",\"speed\":1,\"range\":9}\n"); // a radar line on the LiDAR's port
        await lidar.SendAsync("{\"sensor\":\"lidar\",\"distance\":12.5,\"c\":1}\n");

        await Wait.UntilAsync(
            () => lidarState.Frames >= 1 && lidarState.TotalRejects >= 7,
            Timeout,
            $"7 rejects and 1 frame (rejects {lidarState.TotalRejects}, frames {lidarState.Frames})"
        );
        Assert.Equal(1, lidarState.Rejects(RejectReason.Malformed));
        Assert.Equal(1, lidarState.Rejects(RejectReason.WrongType));
        Assert.Equal(1, lidarState.Rejects(RejectReason.NotFinite));
        Assert.Equal(1, lidarState.Rejects(RejectReason.ImpossibleValue));
        Assert.Equal(1, lidarState.Rejects(RejectReason.TooLong));
        Assert.Equal(1, lidarState.Rejects(RejectReason.UnknownSensor));
        Assert.Equal(1, lidarState.Rejects(RejectReason.BadLength)); // the partial line at disconnect
        Assert.Equal(1, lidarState.Frames);

        // still running: a fresh client is served
        using var again = await d.ConnectAsync("lidar");
        await again.SendAsync("{\"sensor\":\"lidar\",\"distance\":13,\"c\":1}\n");
        await Wait.UntilAsync(() => lidarState.Frames == 2, Timeout, "the next valid line");
        Assert.True(lidarState.Clients >= 2);
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task Shared_port_routes_lines_by_kind_like_the_original_port_9000()
    {
        var json = """
            { "Device": { "Id": "shared-port-unit" },
              "Sensors": [
                { "Name": "l", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
                { "Name": "r", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } } ],
              "Logging": { "File": "" } }
            """;
        await using var d = await DaemonUnderTest.StartAsync(json);
        // port 0 never shares; check routing by kind on one connection to the LiDAR's port
        using var c = await d.ConnectAsync("l");
        await c.SendAsync("{\"sensor\":\"lidar\",\"distance\":1,\"c\":1}\n{\"distance\":2,\"c\":1}\n");
        await Wait.UntilAsync(() => d.Sensor("l").Frames == 2, Timeout, "two LiDAR frames");
        Assert.Equal(0, d.Sensor("r").Frames);
    }
}
