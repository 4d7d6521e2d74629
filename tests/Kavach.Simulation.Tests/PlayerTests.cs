using System.Collections.Concurrent;
using Kavach.Simulation.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Kavach.Simulation.Tests;

public sealed class PlayerTests
{
    private static readonly Scenario Short = Scenario.BuiltIn("demo") with { DurationS = 2 };

    private static async Task<(
        ConcurrentDictionary<string, CollectingStream> Outputs,
        ScenarioPlayer Player,
        List<WorldState> Steps
    )> PlayAsync(Scenario scenario, PlayerOptions options, int failFirstWrites = 0)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var outputs = new ConcurrentDictionary<string, CollectingStream>();
        var opened = new ConcurrentDictionary<string, int>();
        var steps = new List<WorldState>();
        var player = new ScenarioPlayer();
        options = options with
        {
            MaxLagS = 1e6,
            OnStep = s =>
            {
                lock (steps)
                    steps.Add(s);
            },
        };
        ValueTask<Stream> Open(string name, CancellationToken ct)
        {
            // The first stream of each sensor may fail its first writes; any reopen gets a fresh, healthy one.
            var first = opened.AddOrUpdate(name, 1, (_, n) => n + 1) == 1;
            var stream = new CollectingStream(first ? failFirstWrites : 0);
            outputs[name] = stream;
            return ValueTask.FromResult<Stream>(stream);
        }
        var run = player.RunAsync(scenario, Open, options, time, CancellationToken.None);
        await FakeClock.DriveAsync(time, run, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(60));
        return (outputs, player, steps);
    }

    [Fact]
    public async Task Writes_the_expected_number_of_frames_at_each_sensors_rate()
    {
        var (outputs, player, steps) = await PlayAsync(Short, new PlayerOptions { Speed = 1 });
        Assert.Equal(200, player.Counters["lidar"].Frames);
        Assert.Equal(40, player.Counters["radar"].Frames);
        Assert.Equal(2, player.Counters["camera"].Frames);
        Assert.Equal(200 * 9, outputs["lidar"].ToArray().Length); // TF frames are 9 bytes
        Assert.Equal(2, outputs["camera"].ToArray().Count(b => b == (byte)'\n'));
        Assert.Equal(0, player.Counters["lidar"].SkippedFrames);
        Assert.Equal(3, steps.Count); // t = 0, 1, 2
    }

    [Fact]
    public async Task Speed_and_rate_scale_change_wall_time_and_frame_count_not_the_world()
    {
        var (_, player, steps) = await PlayAsync(Short, new PlayerOptions { Speed = 10, RateScale = 0.5 });
        Assert.Equal(100, player.Counters["lidar"].Frames);
        Assert.Equal(20, player.Counters["radar"].Frames);
        Assert.Equal(3, steps.Count);
    }

    [Fact]
    public async Task Same_seed_gives_identical_bytes_and_matches_direct_sampling()
    {
        var a = (await PlayAsync(Short, new PlayerOptions())).Outputs;
        var b = (await PlayAsync(Short, new PlayerOptions { Speed = 4 })).Outputs;
        var c = (await PlayAsync(Short, new PlayerOptions { Seed = 99 })).Outputs;
        foreach (var name in new[] { "lidar", "radar", "camera" })
            Assert.Equal(a[name].ToArray(), b[name].ToArray());
        Assert.NotEqual(a["lidar"].ToArray(), c["lidar"].ToArray());

        // The same bytes from the public sampling API, without the player.
        var spec = Short.Sensor("radar");
        var sensor = new SimSensor(spec, Short.Seed);
        var world = new World(Short);
        var buffer = new byte[SimSensor.MaxFrameBytes];
        var direct = new List<byte>();
        for (var k = 0; k < 40; k++)
        {
            world.AdvanceTo(k / spec.RateHz);
            var n = sensor.Encode(sensor.Sample(world), buffer);
            direct.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        Assert.Equal(direct.ToArray(), a["radar"].ToArray());
    }

    [Fact]
    public async Task A_failing_output_is_reopened_and_the_run_goes_on()
    {
        var (outputs, player, _) = await PlayAsync(Short, new PlayerOptions { Sensors = ["lidar"] }, failFirstWrites: 1);
        var c = player.Counters["lidar"];
        Assert.True(c.Opens >= 2, $"opens {c.Opens}");
        Assert.True(c.Failures >= 1);
        Assert.Equal(200, c.Frames + c.SkippedFrames);
        var written = outputs["lidar"].ToArray().Length;
        Assert.InRange(written, 9, 199 * 9); // the failed write's frames are lost, the rest arrive
        Assert.False(outputs.ContainsKey("radar"));
    }

    [Fact]
    public async Task Cancellation_stops_the_run()
    {
        var time = new FakeTimeProvider();
        using var cts = new CancellationTokenSource();
        var run = new ScenarioPlayer().RunAsync(
            Scenario.BuiltIn("demo"),
            (_, _) => ValueTask.FromResult<Stream>(new CollectingStream()),
            1,
            time,
            cts.Token
        );
        time.Advance(TimeSpan.FromSeconds(1));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
