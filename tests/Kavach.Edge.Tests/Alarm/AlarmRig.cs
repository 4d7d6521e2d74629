using System.Device.Gpio;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Pipeline;
using Kavach.Edge.Risk;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>Which GPIO driver a contract test runs on.</summary>
public enum TestDriver
{
    Simulated,
    Recording,
}

/// <summary>
/// The alarm wired by hand on a <see cref="PipelineHarness"/> (FakeTimeProvider, stage faults, broadcaster,
/// pipeline) and a GPIO driver. Tests publish risk states, advance time and read the lines. No lamp test
/// unless asked (<c>LampTestMs</c>), lines at Green 5, Amber 6, Red 7, Buzzer 8, Heartbeat 9.
/// </summary>
public sealed class AlarmRig : IDisposable
{
    private long _change;
    private RiskLevel? _level;

    public AlarmRig(TestDriver driver = TestDriver.Recording, Dictionary<string, string?>? alarm = null, bool start = true)
    {
        var o = new Dictionary<string, string?>
        {
            ["Alarm:Driver"] = "simulated",
            ["Alarm:LampTestMs"] = "0",
            ["Alarm:GpioRetryMs"] = "0",
            ["Alarm:Green:Line"] = "5",
            ["Alarm:Amber:Line"] = "6",
            ["Alarm:Red:Line"] = "7",
            ["Alarm:Buzzer:Line"] = "8",
            ["Alarm:Heartbeat:Line"] = "9",
        };
        if (alarm is not null)
            foreach (var kv in alarm)
                o[kv.Key.StartsWith("Alarm:", StringComparison.Ordinal) ? kv.Key : "Alarm:" + kv.Key] = kv.Value;
        H = new PipelineHarness(TestConfig.Valid(overrides: o));
        var options = H.Options.Alarm;
        if (driver == TestDriver.Simulated)
        {
            var sim = new SimulatedGpioDriver();
            Driver = sim;
            _read = sim.Value;
            _press = sim.SetInput;
        }
        else
        {
            var rec = new RecordingGpioDriver(H.Time);
            Recording = rec;
            Driver = rec;
            _read = rec.Value;
            _press = rec.SetInput;
        }
        Control = new AlarmControl(options, H.Time, new RecordingLogger<AlarmControl>(Log));
        Outputs = new AlarmOutputs(H.Faults, new RecordingLogger<AlarmOutputs>(Log));
        Engine = new AlarmEngine(options, Outputs, Control, H.Faults, H.Time, new RecordingLogger<AlarmEngine>(Log));
        Health = new PipelineHealth(H.Options, H.Pipeline, H.Faults, H.Time);
        Heartbeat = new Heartbeat(options, Outputs, Health, H.Time, new RecordingLogger<Heartbeat>(Log));
        Button = new AckButton(options, Outputs, Control, H.Time);
        Service = new AlarmService(
            options,
            Outputs,
            Engine,
            Heartbeat,
            Button,
            H.Broadcaster,
            new RecordingLogger<AlarmService>(Log),
            H.Time
        )
        {
            OpenDriver = () => (Driver, "test chip"),
        };
        Control.Recorded += e => Events.Add(e);
        if (start)
            Start();
    }

    private readonly Func<int, PinValue> _read;
    private readonly Action<int, PinValue> _press;

    public PipelineHarness H { get; }
    public GpioDriver Driver { get; }
    public RecordingGpioDriver? Recording { get; }
    public AlarmControl Control { get; }
    public AlarmOutputs Outputs { get; }
    public AlarmEngine Engine { get; }
    public PipelineHealth Health { get; }
    public Heartbeat Heartbeat { get; }
    public AckButton Button { get; }
    public AlarmService Service { get; }
    public List<(LogLevel Level, string Message)> Log { get; } = [];
    public List<OperatorEvent> Events { get; } = [];

    public OutputState Lines => Outputs.Snapshot;

    public void Start() => Service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Publishes a change to <paramref name="level"/> as the pipeline would; returns its Change number.</summary>
    public long Publish(RiskLevel level, bool starting = false, int graceMs = 0)
    {
        var now = H.Time.GetTimestamp();
        var state = new RiskState
        {
            Change = ++_change,
            Level = level,
            Previous = _level,
            Utc = H.Time.GetUtcNow(),
            Timestamp = now,
            Starting = starting,
            GraceEndsAt = now + (long)(graceMs / 1000.0 * H.Time.TimestampFrequency),
        };
        _level = level;
        H.Broadcaster.Publish(state);
        return state.Change;
    }

    /// <summary>
    /// Advances the clock 1 ms at a time: FakeTimeProvider runs the timers due within one Advance at its
    /// end time, so small steps give each callback (and each recorded write) its own time.
    /// </summary>
    public void Advance(int ms)
    {
        for (var i = 0; i < ms; i++)
            H.Time.Advance(TimeSpan.FromMilliseconds(1));
    }

    /// <summary>Advances one fusion tick and runs it (the pipeline's LastTick moves).</summary>
    public void Tick()
    {
        Advance(H.Options.Fusion.TickMs);
        H.Pipeline.Step();
    }

    /// <summary>The physical level of a line's pin.</summary>
    public PinValue Pin(AlarmLine line) => _read(Outputs.PinOf(line) ?? throw new InvalidOperationException(line + " not wired"));

    public void SetButton(PinValue v) => _press(Outputs.ButtonPin ?? throw new InvalidOperationException("no button"), v);

    /// <summary>Samples a line's logical state every <paramref name="stepMs"/> for <paramref name="ms"/>: "1" on, "0" off.</summary>
    public string Trace(AlarmLine line, int ms, int stepMs = 100)
    {
        var chars = new char[ms / stepMs];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Lines[line] ? '1' : '0';
            Advance(stepMs);
        }
        return new string(chars);
    }

    public IEnumerable<string> Errors => Log.Where(l => l.Level >= LogLevel.Error).Select(l => l.Message);

    public void Dispose()
    {
        Service.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        Service.Dispose();
        Engine.Dispose();
    }
}
