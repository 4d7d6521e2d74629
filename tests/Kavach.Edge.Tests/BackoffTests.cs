namespace Kavach.Edge.Tests;

public class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100),
        Max = TimeSpan.FromMilliseconds(1000);

    [Fact]
    public void Grows_by_doubling_from_the_minimum_to_the_cap_without_jitter_at_the_midpoint()
    {
        var b = new Backoff(Min, Max, () => 0.5); // factor 1.0
        var delays = Enumerable.Range(0, 7).Select(_ => b.Next().TotalMilliseconds).ToArray();
        Assert.Equal([100, 200, 400, 800, 1000, 1000, 1000], delays);
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.999999, 1.2)]
    public void Jitter_spans_plus_minus_20_percent_of_the_step(double random, double factor)
    {
        var b = new Backoff(Min, Max, () => random);
        Assert.Equal(100 * factor, b.Next().TotalMilliseconds, 0.01);
        Assert.Equal(200 * factor, b.Next().TotalMilliseconds, 0.01);
    }

    [Fact]
    public void Never_exceeds_the_cap_and_never_goes_below_80_percent_of_the_step_with_the_real_random()
    {
        var b = new Backoff(Min, Max);
        var step = Min.TotalMilliseconds;
        var seen = new List<double>();
        for (var i = 0; i < 2000; i++)
        {
            var d = b.Next().TotalMilliseconds;
            Assert.InRange(d, 0.8 * step, Math.Min(1.2 * step, Max.TotalMilliseconds));
            if (step == Max.TotalMilliseconds)
                seen.Add(d);
            step = Math.Min(step * 2, Max.TotalMilliseconds);
        }
        Assert.True(seen.Distinct().Count() > 100, "the delays at the cap are jittered, not all equal");
    }

    [Fact]
    public void Reset_starts_again_from_the_minimum()
    {
        var b = new Backoff(Min, Max, () => 0.5);
        for (var i = 0; i < 5; i++)
            b.Next();
        b.Reset();
        Assert.Equal(100, b.Next().TotalMilliseconds);
        Assert.Equal(200, b.Next().TotalMilliseconds);
    }

    [Fact]
    public void Jittered_hold_off_stays_within_plus_minus_20_percent()
    {
        Assert.Equal(800, Backoff.Jittered(TimeSpan.FromSeconds(1), () => 0).TotalMilliseconds, 0.01);
        for (var i = 0; i < 500; i++)
            Assert.InRange(Backoff.Jittered(TimeSpan.FromSeconds(1)).TotalMilliseconds, 800, 1200);
    }

    [Fact]
    public void Refuses_a_cap_below_the_minimum_or_a_zero_minimum()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(Max, Min));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Backoff(TimeSpan.Zero, Max));
    }
}
