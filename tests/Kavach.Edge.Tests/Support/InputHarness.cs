using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A <see cref="SensorInputService"/> on the real clock with its queue, a collecting logger and a short reconnect
/// backoff; <see cref="Readings"/> drains the queue as the test reads it. Stops (bounded) and checks for error logs on dispose.
/// </summary>
public sealed class InputHarness : IAsyncDisposable
{
    private readonly List<Reading> _readings = [];
    private bool _stopped;

    public InputHarness(
        string json,
        int backoffInitialMs = 100,
        int backoffMaxMs = 500,
        Kavach.Edge.Sensors.Protocols.ProtocolRegistry? protocols = null
    )
        : this(TestConfig.Valid(json, protocols: protocols), TimeProvider.System, backoffInitialMs, backoffMaxMs) { }

    /// <summary>Already bound options (a locomotive configuration, which Bind still refuses to run) on <paramref name="time"/>
    /// (a FakeTimeProvider stamps the readings; the transports' reads are real).</summary>
    public InputHarness(KavachOptions options, TimeProvider time, int backoffInitialMs = 100, int backoffMaxMs = 500)
    {
        Options = options;
        Queue = new ReadingQueue(Options.Fusion.QueueCapacity);
        Service = new SensorInputService(Options, Queue, time, new ListLogger<SensorInputService>(Log), Faults)
        {
            NewBackoff = () => new Backoff(TimeSpan.FromMilliseconds(backoffInitialMs), TimeSpan.FromMilliseconds(backoffMaxMs)),
        };
    }

    public KavachOptions Options { get; }
    public ReadingQueue Queue { get; }
    public SensorInputService Service { get; }
    public ListLogger Log { get; } = new();

    /// <summary>The stage faults the inputs raise (two sources for one sensor).</summary>
    public StageFaults Faults { get; } = new();

    public SensorState Sensor(string name) => Service.Sensors.Single(s => s.Name == name);

    public async Task<InputHarness> StartAsync()
    {
        await Service.StartAsync(CancellationToken.None);
        return this;
    }

    /// <summary>Every reading dequeued so far (drains the queue first).</summary>
    public IReadOnlyList<Reading> Readings
    {
        get
        {
            lock (_readings)
            {
                while (Queue.Reader.TryRead(out var r))
                    _readings.Add(r);
                return _readings.ToArray();
            }
        }
    }

    public int Count(string sensor) => Readings.Count(r => r.Sensor == Sensor(sensor).Index);

    /// <summary>Waits until <paramref name="sensor"/> has at least <paramref name="count"/> readings in all.</summary>
    public Task WaitForReadingsAsync(string sensor, int count, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            () => Count(sensor) >= count,
            timeout ?? TimeSpan.FromSeconds(10),
            $"{count} readings of {sensor} (have {Count(sensor)})"
        );

    public Task WaitForConnectionAsync(string sensor, ConnectionState state, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            () => Sensor(sensor).Connection == state,
            timeout ?? TimeSpan.FromSeconds(10),
            $"{sensor} {state} (is {Sensor(sensor).Connection})"
        );

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await Service.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Service.DisposeAsync();
        Log.AssertNoErrors();
    }
}
