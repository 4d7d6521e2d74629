using Kavach.Edge.Risk;

namespace Kavach.Edge.Tests.Risk;

public class StageFaultsTests
{
    [Fact]
    public void Only_a_typed_stall_or_crash_stops_the_heartbeat_whatever_the_message_says()
    {
        var f = new StageFaults();
        f.Raise("storage", "crashed disk? no: cannot write: disk full"); // text no longer decides
        Assert.Null(f.FirstStall());
        f.Raise("fusion input", "boom", FaultKind.Crashed);
        Assert.Equal("fusion input: crashed: boom", f.FirstStall());
        Assert.Equal(["fusion input: crashed: boom", "storage: crashed disk? no: cannot write: disk full"], f.Snapshot());
        f.Clear("fusion input");
        f.Raise("alarm", "no progress", FaultKind.Stalled);
        Assert.Equal("alarm: stalled: no progress", f.FirstStall());
    }
}
