namespace Kavach.Edge.Tests.Support;

/// <summary>Waits for a condition with a timeout (polling every 20 ms): tests assert on conditions, never on sleeps.</summary>
public static class Eventually
{
    public static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}");
            await Task.Delay(20);
        }
    }

    public static Task WaitAsync(Func<bool> condition, string what) => WaitAsync(condition, TimeSpan.FromSeconds(10), what);
}
