using System.Device.Gpio;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>Exact pin timelines from the recording driver: when each write happened, and that only changes are written.</summary>
public class RecordedTimingTests
{
    private static long Ms(AlarmRig r, long timestamp, long since) => (long)r.H.Time.GetElapsedTime(since, timestamp).TotalMilliseconds;

    [Fact]
    public void High_drives_red_and_buzzer_within_the_publish_call()
    {
        using var r = new AlarmRig();
        r.Publish(RiskLevel.Low);
        var before = r.Recording!.Writes.Count;
        var t0 = r.H.Time.GetTimestamp();
        r.Publish(RiskLevel.High); // no time passes: the pins change on the tick thread, in Publish
        var writes = r.Recording.Writes.Skip(before).ToList();
        Assert.All(writes, w => Assert.Equal(t0, w.Timestamp));
        Assert.Contains(writes, w => w.Pin == 7 && w.Value == PinValue.High);
        Assert.Contains(writes, w => w.Pin == 8 && w.Value == PinValue.High);
        Assert.Contains(writes, w => w.Pin == 5 && w.Value == PinValue.Low);
    }

    [Fact]
    public void Steady_lines_are_written_once_and_blinking_lines_only_at_their_edges()
    {
        using var r = new AlarmRig();
        var t0 = r.H.Time.GetTimestamp();
        r.Publish(RiskLevel.High);
        r.Advance(5000);
        var red = r.Recording!.WritesTo(7);
        Assert.Equal(2, red.Count); // the initial "off" at open, then on once
        var buzzer = r.Recording.WritesTo(8).Skip(1).Select(w => (Ms(r, w.Timestamp, t0), w.Value == PinValue.High)).ToList();
        // 800 on / 200 off for 5 s: edges at 0, 800, 1000, 1800, 2000, ... exactly, nothing in between
        var expected = new List<(long, bool)>();
        for (var c = 0; c < 5; c++)
        {
            expected.Add((c * 1000, true));
            expected.Add((c * 1000 + 800, false));
        }
        expected.Add((5000, true));
        Assert.Equal(expected, buzzer);
    }

    [Fact]
    public void Fault_double_chirp_edges_are_exact()
    {
        using var r = new AlarmRig();
        var t0 = r.H.Time.GetTimestamp();
        r.Publish(RiskLevel.Fault);
        r.Advance(2200);
        var edges = r.Recording!.WritesTo(8).Skip(1).Select(w => Ms(r, w.Timestamp, t0)).ToList();
        Assert.Equal([0L, 150, 300, 450, 2000, 2150], edges);
    }

    [Fact]
    public void MinOnMs_hold_is_exact()
    {
        using var r = new AlarmRig(alarm: new() { ["MinOnMs"] = "1500" });
        r.Publish(RiskLevel.Low);
        var t0 = r.H.Time.GetTimestamp();
        var before = r.Recording!.WritesTo(7).Count;
        r.Publish(RiskLevel.High);
        r.Advance(10);
        r.Publish(RiskLevel.Low);
        r.Advance(3000);
        var red = r.Recording.WritesTo(7).Skip(before).Select(w => (Ms(r, w.Timestamp, t0), w.Value == PinValue.High)).ToList();
        Assert.Equal([(0L, true), (1500L, false)], red);
    }

    [Fact]
    public void Heartbeat_edges_are_HeartbeatMs_apart_while_healthy()
    {
        using var r = new AlarmRig(alarm: new() { ["HeartbeatMs"] = "300" });
        for (var t = 0; t < 20; t++)
            r.Tick();
        var edges = r.Recording!.WritesTo(9).Skip(1).Select(w => w.Timestamp).ToList();
        Assert.True(edges.Count >= 5, $"{edges.Count} edges");
        for (var i = 1; i < edges.Count; i++)
            Assert.Equal(300, Ms(r, edges[i], edges[i - 1]));
    }

    [Fact]
    public void A_busy_line_is_refused_naming_the_line_and_the_fix()
    {
        using var r = new AlarmRig(start: false);
        r.Recording!.Busy.Add(8);
        var e = Assert.Throws<ConfigurationRefusedException>(r.Start);
        Assert.StartsWith("Alarm.Buzzer.Line: cannot open line 8 on test chip", e.Message);
        Assert.Contains("gpioinfo", e.Message);
        Assert.True(r.Recording.Disposed, "the chip is released again");
    }

    [Fact]
    public void A_line_beyond_the_chip_is_refused()
    {
        using var r = new AlarmRig(alarm: new() { ["Red:Line"] = "70" }, start: false);
        var e = Assert.Throws<ConfigurationRefusedException>(r.Start);
        Assert.StartsWith("Alarm.Red.Line: line 70 does not exist on test chip (64 lines)", e.Message);
    }

    [Fact]
    public void A_failing_write_raises_a_crashed_alarm_fault_and_stops_the_heartbeat()
    {
        using var r = new AlarmRig();
        for (var t = 0; t < 10; t++)
            r.Tick();
        Assert.True(r.Heartbeat.Beating);
        r.Recording!.FailWrites = true;
        r.Publish(RiskLevel.High);
        Assert.True(r.H.Faults.IsActive("alarm"));
        Assert.False(r.Health.PipelineHealthy);
        r.Recording.FailWrites = false;
        var toggles = r.Heartbeat.Toggles;
        for (var t = 0; t < 10; t++)
            r.Tick();
        Assert.Equal(toggles, r.Heartbeat.Toggles);
        Assert.Contains(r.Errors, m => m.Contains("cannot be written", StringComparison.Ordinal));
    }
}
