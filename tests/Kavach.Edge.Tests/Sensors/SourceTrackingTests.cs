using Kavach.Edge.Sensors;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Sensors;

// Which connections feed a sensor: two or more live sources is the named FAULT, a reconnect is not.
public class SourceTrackingTests
{
    private static (SensorState State, FakeTimeProvider Time) Lidar()
    {
        var o = TestConfig.Valid(
            SensorJson.Config(SensorJson.Listen("lidar", "lidar", "tf-series", "\"Variant\": \"tf03\", \"TimeoutMs\": 2000,"))
        );
        return (new SensorState(0, o.Sensors[0]), new FakeTimeProvider());
    }

    private static void Feed(SensorState s, FakeTimeProvider t, params object[] sources)
    {
        foreach (var src in sources)
        {
            t.Advance(TimeSpan.FromMilliseconds(10));
            s.FrameDecoded(t.GetTimestamp(), src);
        }
    }

    private static bool TwoSources(SensorState s, FakeTimeProvider t) => s.TwoSources(t.GetTimestamp(), t);

    [Fact]
    public void Two_connections_taking_turns_are_two_sources()
    {
        var (s, t) = Lidar();
        object a = new(),
            b = new();
        Feed(s, t, a, a, b);
        Assert.False(TwoSources(s, t));
        Feed(s, t, a);
        Assert.True(TwoSources(s, t));
    }

    [Fact]
    public void Three_connections_in_strict_rotation_are_caught_too()
    {
        // A→B→C→A never goes straight back to the connection before: the rule looks at every open one
        var (s, t) = Lidar();
        object a = new(),
            b = new(),
            c = new();
        Feed(s, t, a, b, c);
        Assert.False(TwoSources(s, t));
        Feed(s, t, a);
        Assert.True(TwoSources(s, t));
    }

    [Fact]
    public void A_reconnect_is_one_source_and_the_fault_clears_when_all_but_one_have_ended()
    {
        var (s, t) = Lidar();
        object a = new(),
            b = new(),
            c = new();
        Feed(s, t, a, a);
        s.SourceEnded(a);
        Feed(s, t, b, b, b);
        Assert.False(TwoSources(s, t)); // A ended, B began: a reconnect

        Feed(s, t, c, b);
        Assert.True(TwoSources(s, t));
        s.SourceEnded(c);
        Assert.False(TwoSources(s, t)); // only B is left
        Feed(s, t, b, b);
        Assert.False(TwoSources(s, t));
    }

    [Fact]
    public void The_fault_holds_for_TimeoutMs_after_the_last_switch_back_then_clears()
    {
        var (s, t) = Lidar();
        object a = new(),
            b = new();
        Feed(s, t, a, b, a);
        Assert.True(TwoSources(s, t));
        t.Advance(TimeSpan.FromMilliseconds(1990));
        Assert.True(TwoSources(s, t));
        t.Advance(TimeSpan.FromMilliseconds(20));
        Assert.False(TwoSources(s, t)); // B stopped sending (its socket still open): A alone for TimeoutMs
    }
}
