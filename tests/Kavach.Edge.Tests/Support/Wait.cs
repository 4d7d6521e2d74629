namespace Kavach.Edge.Tests.Support;

/// <summary>Waiting on conditions with a timeout (never sleep-and-assert).</summary>
public static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until true; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, () => what, timeout);

    /// <summary>As above, with a description computed at the time-out (the state worth reading).</summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit) Assert.Fail($"timed out after {limit.TotalSeconds:0} s waiting for {describe()}");
            await Task.Delay(20);
        }
    }

    /// <summary>Polls an async condition.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > limit) Assert.Fail($"timed out after {limit.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(50);
        }
    }
}
