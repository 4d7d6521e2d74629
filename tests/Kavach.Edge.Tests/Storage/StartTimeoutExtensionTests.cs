using Kavach.Edge.Storage;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Time.Testing;

namespace Kavach.Edge.Tests.Storage;

public class StartTimeoutExtensionTests
{
    private sealed class RecordingNotifier(bool enabled) : ISystemdNotifier
    {
        public List<string> Sent { get; } = [];
        public bool IsEnabled => enabled;

        public void Notify(ServiceState state)
        {
            lock (Sent)
                Sent.Add(state.ToString());
        }
    }

    [Fact]
    public void A_long_check_keeps_asking_systemd_for_time_and_stops_when_it_ends()
    {
        var notifier = new RecordingNotifier(enabled: true);
        var time = new FakeTimeProvider();
        using (StartTimeoutExtension.Begin(notifier, time))
        {
            Assert.Equal(["EXTEND_TIMEOUT_USEC=60000000"], notifier.Sent); // at once
            time.Advance(TimeSpan.FromSeconds(100)); // a 100 s check: 90 s alone would kill the start
            Assert.Equal(6, notifier.Sent.Count); // 0, 20, 40, 60, 80, 100 s: never more than 20 s without a grant
        }
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(6, notifier.Sent.Count); // over: the unit's own TimeoutStartSec applies again
    }

    [Fact]
    public void Outside_systemd_nothing_is_sent()
    {
        var notifier = new RecordingNotifier(enabled: false);
        var time = new FakeTimeProvider();
        using (StartTimeoutExtension.Begin(notifier, time))
            time.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(notifier.Sent);
    }
}
