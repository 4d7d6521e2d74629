using Microsoft.Extensions.Time.Testing;

namespace Kavach.Simulation.Tests.Support;

internal static class FakeClock
{
    /// <summary>
    /// Advances <paramref name="time"/> in <paramref name="step"/>s until <paramref name="run"/> completes, yielding
    /// between steps so the player's tasks can reach their next timer (no real waiting on scenario time).
    /// </summary>
    public static async Task DriveAsync(FakeTimeProvider time, Task run, TimeSpan step, TimeSpan limit)
    {
        var end = time.GetUtcNow() + limit;
        while (!run.IsCompleted && time.GetUtcNow() < end)
        {
            time.Advance(step);
            for (var i = 0; i < 3 && !run.IsCompleted; i++)
                await Task.Delay(1);
        }
        if (!run.IsCompleted)
            throw new TimeoutException($"the run did not complete within {limit} of fake time");
        await run;
    }
}
