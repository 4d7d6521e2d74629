using Xunit;

namespace Kavach.Protocols.Tests;

public class DecoderCountersTests
{
    [Fact]
    public void Counts_are_cumulative_and_the_last_reject_is_the_latest_reason()
    {
        var c = new DecoderCounters();
        Assert.Null(c.LastReject);
        for (var i = 0; i < 3; i++)
            c.Reject(RejectReason.BadHeader, 2);
        c.Reject(RejectReason.BadChecksum, 9);
        c.Reject(RejectReason.UnknownSensor, 0);

        Assert.Equal(RejectReason.UnknownSensor, c.LastReject);
        Assert.Equal(3, c.Rejects(RejectReason.BadHeader));
        Assert.Equal(5, c.TotalRejects);
        Assert.Equal(15, c.RejectedBytes);
    }
}
