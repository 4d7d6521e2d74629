using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Hosting;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Storage;
using Kavach.Edge.Tests.Support;
using Kavach.Edge.Uplink;

namespace Kavach.Edge.Tests.Uplink;

/// <summary>Storage + uplink in process against a real broker; risk changes published by hand.</summary>
public sealed class UplinkRig : IAsyncDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();
    private long _change;

    /// <param name="realAlarm">Wire a real <see cref="AlarmControl"/> (on the harness's fake clock) as the command
    /// target and as the storage's source of the alerts' maintenance and operator fields.</param>
    public UplinkRig(int port, Dictionary<string, string?>? extra = null, ICommandTarget? target = null, bool realAlarm = false)
    {
        var o = new Dictionary<string, string?>
        {
            ["Storage:Path"] = _dir.File("kavach.db"),
            ["Uplink:Host"] = "127.0.0.1",
            ["Uplink:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Uplink:ReconnectMinMs"] = "100",
            ["Uplink:ReconnectMaxMs"] = "500",
            ["Uplink:TelemetryMs"] = "1000",
        };
        if (extra is not null)
            foreach (var kv in extra)
                o[kv.Key] = kv.Value;
        H = new PipelineHarness(TestConfig.Valid(overrides: o));
        if (realAlarm)
            Alarm = new AlarmControl(H.Options.Alarm, H.Time, new LineLogger<AlarmControl>());
        Storage = new StorageService(H.Options, H.Faults, H.Time, new LineLogger<StorageService>(), Alarm);
        Log = new LineLogger<UplinkService>();
        Target = target ?? (Alarm is not null ? new AlarmCommandTarget(Alarm) : new FakeTarget());
        Uplink = new UplinkService(H.Options, Storage, H.Broadcaster, H.Faults, TimeProvider.System, Log, Target);
        FanOut.Connect([
            FanOut.RiskToStorage(H.Broadcaster, Storage),
            FanOut.TicksToStorage(H.Pipeline, Storage),
            FanOut.CommitsToUplink(Storage, Uplink),
            .. Alarm is null ? Array.Empty<FanOut.Edge>() : [FanOut.OperatorToStorage(Alarm, Storage)],
        ]);
    }

    public PipelineHarness H { get; }
    public StorageService Storage { get; }
    public UplinkService Uplink { get; }
    public LineLogger<UplinkService> Log { get; }
    public ICommandTarget Target { get; }
    public AlarmControl? Alarm { get; }
    public string DeviceId => H.Options.Device.Id;

    public async Task StartAsync()
    {
        await Storage.StartAsync(default);
        await Uplink.StartAsync(default);
    }

    /// <summary>Publishes a risk change (the storage commits it as an alert); returns its Change.</summary>
    public long Publish(RiskLevel level)
    {
        var change = ++_change;
        H.Broadcaster.Publish(EventStoreTests.State(change, level, H.Time.GetUtcNow()));
        return change;
    }

    public async ValueTask DisposeAsync()
    {
        await Uplink.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        H.Broadcaster.Complete();
        await Storage.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        _dir.Dispose();
    }
}

/// <summary>Stands in for AlarmControl: records calls, accepts what it is given.</summary>
public sealed class FakeTarget : ICommandTarget
{
    public List<string> Calls { get; } = [];
    public long CurrentEpisode { get; set; }

    public CommandOutcome Acknowledge(long? episode, string by, CommandSource source)
    {
        lock (Calls)
            Calls.Add($"ack {episode} {by} {source}");
        return new CommandOutcome(true, "acknowledged; buzzer silenced");
    }

    public CommandOutcome StartMaintenance(TimeSpan duration, string by, CommandSource source)
    {
        lock (Calls)
            Calls.Add($"maintenance {duration.TotalMinutes} {by} {source}");
        return new CommandOutcome(true, $"maintenance for {duration.TotalMinutes} min");
    }

    public CommandOutcome EndMaintenance(string by, CommandSource source)
    {
        lock (Calls)
            Calls.Add($"end {by} {source}");
        return new CommandOutcome(true, "maintenance ended");
    }
}
