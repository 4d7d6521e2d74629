using Kavach.Edge.Storage;

namespace Kavach.Edge.Tests.Storage;

public class ClockSyncTests
{
    [Fact]
    public void Reports_the_kernel_or_timesyncd_view_without_throwing_and_honours_an_override()
    {
        var clock = new ClockSync(TimeProvider.System);
        var first = clock.IsSynced; // whatever this machine says; it must answer
        Assert.Equal(first, clock.IsSynced); // cached
        clock.Override = false;
        Assert.False(clock.IsSynced);
    }
}
