using System.Runtime.CompilerServices;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>The harnesses' hidden-error guard can fail: an error log fails it unless named, and a dropped faulted task is seen.</summary>
public class ErrorGuardTests
{
    [Fact]
    public void An_error_log_fails_the_check_unless_the_test_names_it()
    {
        var log = new LogCapture();
        log.Logger.Error("sensor {Name} exploded", "lidar");
        Assert.Throws<Xunit.Sdk.TrueException>(log.AssertNoErrors);
        log.Expect("exploded");
        log.AssertNoErrors();
        log.Logger.Warning("a warning is no error");
        log.AssertNoErrors();
    }

    [Fact]
    public async Task A_faulted_task_nobody_awaited_is_seen_at_the_check()
    {
        var before = UnobservedTasks.Probes;
        await DropFaultedTaskAsync();
        await Eventually.WaitAsync(
            () =>
            {
                UnobservedTasks.Take([]); // collects, runs the finalisers that raise the event
                return UnobservedTasks.Probes > before;
            },
            TimeSpan.FromSeconds(10),
            "the dropped probe reported as unobserved"
        );
    }

    [Fact]
    public void Only_the_serial_port_close_race_of_the_library_is_let_through_not_a_null_reference_of_ours()
    {
        NullReferenceException? ours = null;
        try
        {
            _ = ((string?)Environment.GetEnvironmentVariable("KAVACH_TEST_NEVER_SET"))!.Length;
        }
        catch (NullReferenceException e)
        {
            ours = e;
        }
        Assert.NotNull(ours);
        Assert.False(UnobservedTasks.IsSerialStreamCloseRace(ours));
        Assert.False(UnobservedTasks.IsSerialStreamCloseRace(new NullReferenceException()));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task DropFaultedTaskAsync()
    {
        var t = Task.Run(new Action(() => throw new ProbeException()));
        await t.ContinueWith(_ => { }, TaskScheduler.Default); // completed, faulted, its exception never read
    }
}
