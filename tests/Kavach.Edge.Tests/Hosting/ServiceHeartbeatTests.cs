using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kavach.Edge.Tests.Hosting;

/// <summary>WATCHDOG=1 and the heartbeat file follow the pipeline's health, at half the watchdog interval.</summary>
public class ServiceHeartbeatTests
{
    private sealed class RecordingNotifier : ISystemdNotifier
    {
        public List<string> Sent { get; } = [];
        public bool IsEnabled => true;

        public void Notify(ServiceState state) => Sent.Add(state.ToString());
    }

    private static (PipelineHarness H, RecordingNotifier N, ServiceHeartbeat Beat, TempDir Dir) Make(TimeSpan? watchdog)
    {
        var h = new PipelineHarness();
        var n = new RecordingNotifier();
        var dir = Repo.NewTempDir();
        var beat = new ServiceHeartbeat(
            h.Options,
            h.Pipeline,
            h.Faults,
            h.Time,
            n,
            NullLogger<ServiceHeartbeat>.Instance,
            watchdog,
            dir.File("heartbeat")
        );
        return (h, n, beat, dir);
    }

    [Fact]
    public void Pings_at_half_the_interval_while_the_pipeline_ticks()
    {
        var (h, n, beat, dir) = Make(TimeSpan.FromSeconds(4));
        using var _ = dir;
        Assert.Equal(TimeSpan.FromSeconds(1), beat.Period);
        for (var s = 0; s < 8; s++) // 8 s of ticking, a beat every second
        {
            h.Run(1, PipelineHarness.World(120, 430, 120));
            Assert.True(beat.Beat());
        }
        // first beat pings at once, then every 2 s (half of 4 s): t=0,2,4,6 → 4 pings
        Assert.Equal(4, n.Sent.Count);
        Assert.All(n.Sent, s => Assert.Equal("WATCHDOG=1", s));
        Assert.True(File.Exists(beat.HeartbeatFile));
        Assert.Contains("ticks=80", File.ReadAllText(beat.HeartbeatFile));
    }

    [Fact]
    public void A_hung_pipeline_gets_no_ping_and_no_heartbeat()
    {
        var (h, n, beat, dir) = Make(TimeSpan.FromSeconds(4));
        using var _ = dir;
        h.Run(1, PipelineHarness.World(120, 430, 120));
        Assert.True(beat.Beat());
        var written = File.ReadAllText(beat.HeartbeatFile);
        Assert.Single(n.Sent);
        for (var s = 0; s < 10; s++) // the tick loop hangs: time passes, no Step
        {
            h.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.False(beat.Beat());
        }
        Assert.Single(n.Sent);
        Assert.Equal(written, File.ReadAllText(beat.HeartbeatFile));
        h.Run(0.5, PipelineHarness.World(120, 430, 120)); // recovers
        Assert.True(beat.Beat());
        Assert.Equal(2, n.Sent.Count);
    }

    [Fact]
    public void A_crashed_stage_withholds_the_ping()
    {
        var (h, n, beat, dir) = Make(TimeSpan.FromSeconds(2));
        using var _ = dir;
        h.Faults.Raise("fusion input", "test", FaultKind.Crashed);
        h.Run(1, PipelineHarness.World(120, 430, 120));
        Assert.False(beat.Beat());
        Assert.Empty(n.Sent);
        Assert.False(File.Exists(beat.HeartbeatFile));
    }

    [Fact]
    public void Without_a_watchdog_only_the_heartbeat_is_written()
    {
        var (h, n, beat, dir) = Make(null);
        using var _ = dir;
        h.Run(1, PipelineHarness.World(120, 430, 120));
        Assert.True(beat.Beat());
        Assert.Empty(n.Sent);
        Assert.True(File.Exists(beat.HeartbeatFile));
    }

    [Fact]
    public void A_short_watchdog_beats_four_times_per_interval()
    {
        var (_, _, beat, dir) = Make(TimeSpan.FromMilliseconds(1000));
        using var _ = dir;
        Assert.Equal(TimeSpan.FromMilliseconds(250), beat.Period);
    }
}
