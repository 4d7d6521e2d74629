using System.Net.Sockets;
using System.Text;
using Kavach.Edge.Configuration;
using Kavach.Edge.Sensors.Protocols;
using Kavach.Edge.Tests.Sensors.ExampleProtocol;
using Kavach.Edge.Tests.Support;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Sensors;

/// <summary>
/// The protocol registry: the built-in protocols are each registered once, and a sixth one (ranger-text, a made-up line
/// protocol in ExampleProtocol/) is one folder plus one registry line — configuration, validation and the inputs take it
/// from its entry alone.
/// </summary>
public class ProtocolRegistryTests
{
    private static readonly ProtocolRegistry WithRanger = ProtocolRegistry.BuiltIn.With(RangerTextProtocol.Entry);

    private static string Ranger(string extra = "", string kind = "lidar") =>
        SensorJson.Config(SensorJson.Listen("ranger", kind, "ranger-text", extra));

    [Fact]
    public void The_built_in_protocols_are_registered_once_each_with_the_kinds_they_serve()
    {
        var all = ProtocolRegistry.BuiltIn.All;
        Assert.Equal(["json-lines", "tf-series", "ti-mmwave", "ops243", "ld06", "nmea"], all.Select(p => p.Name));
        Assert.All(all, p => Assert.NotEmpty(p.Kinds));
        Assert.Equal([SensorKind.Lidar, SensorKind.Radar, SensorKind.Camera], JsonLinesProtocol.Entry.Kinds);
        Assert.Single(all, p => p.RoutesByKind);
        // an option key belongs to one protocol at most
        var keys = all.SelectMany(p => p.OwnKeys).ToList();
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Throws<ArgumentException>(() => ProtocolRegistry.BuiltIn.With(TfSeriesProtocol.Entry));
    }

    [Fact]
    public void The_simulator_speaks_every_registered_protocol_under_the_same_name_for_the_same_kinds()
    {
        // the simulator's table and the daemon's registry are joined by name (the demo's configuration relies on it)
        var daemon = ProtocolRegistry.BuiltIn.All.ToDictionary(p => p.Name, p => p.Kinds);
        var simulator = Kavach.Simulation.SimFormats.All.ToDictionary(f => f.Name, f => f.Kinds);
        Assert.Equal(daemon.Keys.Order(), simulator.Keys.Order());
        Assert.All(daemon, d => Assert.Equal(d.Value, simulator[d.Key]));
        Assert.Equal(Kavach.Simulation.SimFormats.All.Select(f => f.Protocol).ToHashSet(), Kavach.Edge.Demo.ScenarioConfig.Supported);
    }

    [Fact]
    public void An_unregistered_protocol_is_refused_listing_the_registered_ones()
    {
        var errors = TestConfig.Bind(Ranger()).Errors;
        Assert.Contains(
            "Sensors[0].Protocol: must be one of json-lines, tf-series, ti-mmwave, ops243, ld06, nmea, got 'ranger-text'",
            errors
        );
        Assert.Empty(TestConfig.Bind(Ranger(), protocols: WithRanger).Errors);
    }

    [Fact]
    public void A_registered_protocol_brings_its_kinds_its_own_keys_and_its_options()
    {
        var o = TestConfig.Valid(Ranger("\"MinSignal\": 120,"), protocols: WithRanger).Sensors[0];
        Assert.Same(RangerTextProtocol.Entry, o.Protocol);
        Assert.Equal(120, Assert.IsType<RangerTextOptions>(o.ProtocolOptions).MinSignal);
        Assert.Equal(40, o.MaxRangeM); // its default reach

        var wrongKind = TestConfig.Bind(Ranger(kind: "radar"), protocols: WithRanger).Errors;
        Assert.Contains("Sensors[0].Protocol: 'ranger-text' is a lidar protocol, but Kind is radar", wrongKind);

        // its key on another protocol's sensor is refused once, naming the owner (not also as an unknown key)
        var foreign = TestConfig
            .Bind(
                SensorJson.Config(SensorJson.Listen("tf", "lidar", "tf-series", "\"Variant\": \"tf03\", \"MinSignal\": 5,")),
                protocols: WithRanger
            )
            .Errors;
        Assert.Equal(["Sensors[0].MinSignal: applies to ranger-text sensors only"], foreign);
        // and a built-in protocol's key on a ranger-text sensor likewise
        Assert.Contains(
            "Sensors[0].MinSnrDb: applies to ti-mmwave sensors only",
            TestConfig.Bind(Ranger("\"MinSnrDb\": 10,"), protocols: WithRanger).Errors
        );
    }

    [Fact]
    public async Task The_inputs_decode_a_registered_protocol_over_loopback_tcp()
    {
        await using var h = await new InputHarness(Ranger("\"MinSignal\": 100,"), protocols: WithRanger).StartAsync();
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(h.Service.BoundEndpoints["ranger"]);
        var stream = Encoding.ASCII.GetBytes("R,12.5,800\r\nnonsense\nR,-,0\nR,30.25,40\nR,7,900\n");
        await s.SendAsync(stream.AsMemory(0, 7)); // split mid-line: the decoder keeps the partial line
        await s.SendAsync(stream.AsMemory(7));
        await h.WaitForReadingsAsync("ranger", 4);

        var r = h.Readings;
        Assert.Equal(12.5f, r[0].DistanceM);
        Assert.Equal(800f, r[0].Strength);
        Assert.True(r[1].NoReturn);
        Assert.True(r[2].NoReturn); // signal 40 < MinSignal 100
        Assert.True(float.IsNaN(r[2].DistanceM));
        Assert.Equal(7f, r[3].DistanceM);

        var state = h.Sensor("ranger");
        await Eventually.WaitAsync(() => state.Bytes == stream.Length, "all bytes counted");
        Assert.Equal(4, state.Frames);
        Assert.Equal(2, state.NoReturn);
        Assert.Equal(1, state.Rejects(RejectReason.Malformed));
        Assert.Equal("ranger-text", state.Health(TimeProvider.System.GetTimestamp(), TimeProvider.System).Protocol);
    }

    [Fact]
    public void The_example_decoder_reads_any_split_without_allocating()
    {
        var decoder = new RangerTextDecoder();
        var bytes = Encoding.ASCII.GetBytes("R,1.5,10\nR,2.5,20\n");
        ReadOnlySpan<byte> warm = bytes;
        while (decoder.TryRead(ref warm, out _)) { }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var split = 1; split < bytes.Length; split++)
        {
            ReadOnlySpan<byte> a = bytes.AsSpan(0, split),
                b = bytes.AsSpan(split);
            while (decoder.TryRead(ref a, out _)) { }
            while (decoder.TryRead(ref b, out _)) { }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2 * bytes.Length, decoder.Counters.Frames);
        Assert.Equal(0, decoder.Counters.TotalRejects);
    }
}
