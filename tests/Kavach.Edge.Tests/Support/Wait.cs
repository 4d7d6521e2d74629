namespace Kavach.Edge.Tests.Support;

/// <summary>Waiting on conditions with a deadline (never a fixed sleep as an assertion).</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            if (cts.IsCancellationRequested)
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public static async Task<T> ForAsync<T>(Task<T> task, TimeSpan timeout, string what)
    {
        var done = await Task.WhenAny(task, Task.Delay(timeout));
        if (done != task)
            Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
        return await task;
    }

    /// <summary>Polls <paramref name="condition"/> until true; fails the test with <paramref name="what"/> after
    /// <paramref name="timeout"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, () => what, timeout);

    /// <summary>As above, with a description computed at the time-out (the state worth reading).</summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit)
                Assert.Fail($"timed out after {limit.TotalSeconds:0} s waiting for {describe()}");
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
            if (sw.Elapsed > limit)
                Assert.Fail($"timed out after {limit.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(50);
        }
    }
}
