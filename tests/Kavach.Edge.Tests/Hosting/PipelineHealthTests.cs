using Kavach.Edge.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>The watchdog's health rule: a recent tick (≤ 3 tick periods) and no stalled stage.</summary>
public class PipelineHealthTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Never_ticked_is_unhealthy()
    {
        var health = new PipelineHealth(new FakeTimeProvider(), Tick);
        var (healthy, reason) = health.Check(long.MinValue, []);
        Assert.False(healthy);
        Assert.Contains("not ticked", reason);
    }

    [Fact]
    public void A_tick_up_to_three_periods_old_is_healthy_and_older_is_not()
    {
        var time = new FakeTimeProvider();
        var health = new PipelineHealth(time, Tick);
        var last = time.GetTimestamp();
        Assert.True(health.Check(last, []).Healthy);
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.True(health.Check(last, []).Healthy);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var (healthy, reason) = health.Check(last, []);
        Assert.False(healthy);
        Assert.Contains("301 ms old", reason);
    }

    [Fact]
    public void A_stalled_stage_is_unhealthy_but_an_ordinary_fault_is_not()
    {
        var time = new FakeTimeProvider();
        var health = new PipelineHealth(time, Tick);
        var now = time.GetTimestamp();
        Assert.True(health.Check(now, ["sensor lidar: stale for 2100 ms", "storage: disk full"]).Healthy);
        var (healthy, reason) = health.Check(now, ["fusion input: crashed: boom"]);
        Assert.False(healthy);
        Assert.Contains("fusion input", reason);
    }

    [Fact]
    public void The_limit_follows_the_tick_period()
    {
        var time = new FakeTimeProvider();
        var health = new PipelineHealth(time, TimeSpan.FromMilliseconds(250));
        var last = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(700));
        Assert.True(health.Check(last, []).Healthy);
        Assert.Equal(TimeSpan.FromMilliseconds(750), health.MaxTickAge);
    }
}
