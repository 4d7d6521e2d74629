using System.Text;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Model;

/// <summary>
/// The silent-sensor sequence in the real daemon with the committed model: JSON lines over loopback TCP at real speed, a
/// LiDAR link that stops for 3 s. FAULT arrives (its exact timing is judged on the fake clock in ModelGateTests and
/// SiteScenarioTests), no HIGH is ever stored, and /metrics counts the model's abstentions.
/// </summary>
public class SilentSensorDaemonTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static async Task StreamAsync(SensorClient? lidar, SensorClient radar, double seconds)
    {
        var buf = new byte[JsonLineEncoder.MaxLineLength];
        for (var t = 0; t < seconds * 10; t++)
        {
            if (lidar is not null)
            {
                var sb = new StringBuilder();
                for (var k = 0; k < 10; k++)
                    sb.Append(
                        Encoding.UTF8.GetString(buf, 0, JsonLineEncoder.WriteLidar(buf, 170 + ((t * 10 + k) % 7) * 0.01f, 0.9f, 300 + k))
                    );
                await lidar.SendAsync(sb.ToString());
            }
            await radar.SendAsync(
                Encoding.UTF8.GetString(buf, 0, JsonLineEncoder.WriteRadar(buf, 170 + (t % 5) * 0.02f, (t % 3) * 0.001f, 20, 1))
            );
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_lidar_link_silent_for_3_s_is_FAULT_never_HIGH_and_the_abstentions_are_counted()
    {
        await using var d = await DaemonUnderTest.StartAsync(
            overrides: new()
            {
                ["Risk:ReferenceRangeM"] = "170",
                ["Sensors:0:MaxRangeM"] = "180",
                ["Risk:StartupGraceMs"] = "0",
            }
        );
        using var lidar = await d.ConnectAsync("lidar");
        using var radar = await d.ConnectAsync("radar");
        await StreamAsync(lidar, radar, 4);
        await d.WaitForLevelAsync(RiskLevel.Low, Timeout);
        await StreamAsync(null, radar, 3); // the LiDAR's link stalls; the daemon closes it after TimeoutMs (idle)
        using var lidarBack = await d.ConnectAsync("lidar"); // and the device reconnects, as a serial server does
        await StreamAsync(lidarBack, radar, 3);
        await d.WaitForLevelAsync(RiskLevel.Fault, Timeout);
        Assert.DoesNotContain(d.Committed, s => s.Level == RiskLevel.High);
        Assert.Contains(d.Committed, s =>
            s.Level == RiskLevel.Fault && s.Faults.Any(f => f.StartsWith("sensor lidar: stale", StringComparison.Ordinal))
        );

        using var c = d.NewHttpClient();
        var text = await c.GetStringAsync("/metrics");
        Assert.Contains("kavach_edge_model_abstentions{reason=\"sensor-silent\"}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("kavach_edge_model_abstentions{reason=\"sensor-silent\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("kavach_edge_model_suspicions", text, StringComparison.Ordinal);
        d.Log.AssertNoErrors();
    }
}
