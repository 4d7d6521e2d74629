namespace Kavach.Edge.Tests.Support;

/// <summary>Waiting on conditions with a deadline (never a fixed sleep as an assertion).</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            if (cts.IsCancellationRequested) Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    public static async Task<T> ForAsync<T>(Task<T> task, TimeSpan timeout, string what)
    {
        var done = await Task.WhenAny(task, Task.Delay(timeout));
        if (done != task) Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
        return await task;
    }
}
