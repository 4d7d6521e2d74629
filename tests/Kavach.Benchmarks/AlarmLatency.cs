using System.Device.Gpio;
using System.Diagnostics;
using System.Text;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kavach.Benchmarks;

/// <summary>
/// `alarm` verb: risk change → first lamp/buzzer pin write latency, in the real daemon host (pipeline,
/// SQLite storage, alarm) on the system clock. A safety floor that flips between a hazard and clear on
/// every tick (Fusion.TickMs 10, no confirmation or hold times, MinOnMs 0) makes a level change on
/// every tick; a GPIO driver stamps the first lamp/buzzer write after each change. Load: feeder threads
/// pushing LiDAR and radar readings into the readings queue, optionally CPU hogs. See docs/benchmarks/alarm.md.
/// Usage: alarm [--seconds N] [--feeders N] [--rate READINGS_PER_S_PER_FEEDER] [--hogs N] [--console 0|1]
/// (--console 1 logs each level change to the console, as the daemon does on a terminal).
/// </summary>
public static class AlarmLatency
{
    public static int Run(string[] args)
    {
        int seconds = 20,
            feeders = 2,
            rate = 20_000,
            hogs = 0,
            console = 0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var v = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--seconds":
                    seconds = v;
                    break;
                case "--feeders":
                    feeders = v;
                    break;
                case "--rate":
                    rate = v;
                    break;
                case "--hogs":
                    hogs = v;
                    break;
                case "--console":
                    console = v;
                    break;
                default:
                    Console.Error.WriteLine("unknown option " + args[i]);
                    return 2;
            }
        }
        return Measure(seconds, feeders, rate, hogs, console != 0);
    }

    private static int Measure(int seconds, int feeders, int rate, int hogs, bool console)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kavach-alarm-bench-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var json = $$"""
            {
              "Device": { "Id": "bench" },
              "Sensors": [
                { "Name": "lidar", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 }, "FrozenMs": 0 },
                { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 }, "FrozenMs": 0 }
              ],
              "Fusion": { "TickMs": 10, "WindowMs": 100 },
              "Risk": { "ConfirmMs": 0, "HighHoldMs": 0, "MediumHoldMs": 0, "FaultHoldMs": 0, "StartupGraceMs": 0 },
              "Storage": { "Path": "{{Path.Combine(dir, "bench.db").Replace("\\", "/", StringComparison.Ordinal)}}" },
              "Alarm": { "Driver": "simulated", "MinOnMs": 0, "LampTestMs": 0,
                "Green": { "Line": 5 }, "Amber": { "Line": 6 }, "Red": { "Line": 7 }, "Buzzer": { "Line": 8 }, "Heartbeat": { "Line": 9 } },
              "Logging": { "File": "", "Level": "warning", "Console": {{(console ? "true" : "false")}} }
            }
            """;
        var errors = new List<string>();
        var root = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var options = KavachOptions.Bind(root, errors);
        if (errors.Count > 0)
        {
            Console.Error.WriteLine(string.Join("\n", errors));
            return 2;
        }

        var capacity = seconds * 1000 / 10 + 1000;
        var driver = new StampingDriver(capacity);
        using var logger = Logging.Create(options.Logging, underSystemd: false);
        using var host = DaemonHost.Build(options, logger, TimeProvider.System, s => s.AddSingleton<ISafetyFloor>(new FlippingFloor()));
        var broadcaster = host.Services.GetRequiredService<RiskBroadcaster>();
        broadcaster.Changed += driver.OnChange; // subscribed before the alarm: the stamp is taken first
        host.Services.GetRequiredService<AlarmService>().OpenDriver = () => (driver, "stamping");
        host.Start();

        using var stop = new CancellationTokenSource();
        var queue = host.Services.GetRequiredService<ReadingQueue>();
        var threads = new List<Thread>();
        for (var f = 0; f < feeders; f++)
        {
            var sensor = f % 2;
            threads.Add(new Thread(() => Feed(queue, options, sensor, rate, stop.Token)) { IsBackground = true, Name = "feeder" });
        }
        for (var h = 0; h < hogs; h++)
            threads.Add(
                new Thread(() =>
                {
                    var x = 0UL;
                    while (!stop.IsCancellationRequested)
                        x = x * 6364136223846793005UL + 1;
                    GC.KeepAlive(x);
                })
                {
                    IsBackground = true,
                    Name = "hog",
                }
            );
        threads.ForEach(t => t.Start());

        Thread.Sleep(3000); // warm-up: JIT, tiering, sensors seen
        driver.Clear();
        Thread.Sleep(seconds * 1000);
        var (fromDecision, fromPublish) = driver.Samples();
        stop.Cancel();
        threads.ForEach(t => t.Join());
        host.StopAsync().GetAwaiter().GetResult();
        try
        {
            Directory.Delete(dir, true);
        }
        catch (IOException) { }

        Console.WriteLine(
            $"alarm latency: {seconds} s, {feeders} feeder(s) x {rate}/s, {hogs} hog(s), {Environment.ProcessorCount} CPU(s); {fromPublish.Length} level changes, queue dropped {queue.Dropped}"
        );
        Report("decided (tick start) -> first pin write", fromDecision);
        Report("published (Changed) -> first pin write", fromPublish);
        return fromPublish.Length > 0 ? 0 : 1;
    }

    private static void Report(string what, double[] us)
    {
        if (us.Length == 0)
        {
            Console.WriteLine($"  {what}: no samples");
            return;
        }
        Array.Sort(us);
        double P(double q) => us[Math.Min(us.Length - 1, (int)Math.Floor(q * us.Length))];
        Console.WriteLine(
            $"  {what}: p50 {P(0.50):0.0} us, p90 {P(0.90):0.0} us, p99 {P(0.99):0.0} us, p99.9 {P(0.999):0.0} us, max {us[^1]:0.0} us"
        );
    }

    private static void Feed(ReadingQueue queue, KavachOptions options, int sensor, int rate, CancellationToken ct)
    {
        var state = new SensorState(sensor, options.Sensors[sensor]);
        var kind = options.Sensors[sensor].Kind;
        var sw = Stopwatch.StartNew();
        long sent = 0;
        var n = 0;
        while (!ct.IsCancellationRequested)
        {
            var due = (long)(sw.Elapsed.TotalSeconds * rate);
            while (sent < due)
            {
                var r = Reading.Empty(sensor, kind, Stopwatch.GetTimestamp());
                n++;
                r.DistanceM = 120 + n % 17 * 0.01f;
                r.Strength = 400 + n % 13;
                r.RangeM = 120 + n % 11 * 0.02f;
                r.ClosingSpeedMps = n % 7 * 0.001f;
                r.SnrDb = 20;
                r.Targets = 1;
                queue.TryWrite(r, state);
                sent++;
            }
            Thread.Sleep(1);
        }
    }

    /// <summary>Flips between a hazard in the zone and clear on every tick (benchmark only: not stateless).</summary>
    private sealed class FlippingFloor : ISafetyFloor
    {
        private int _n;

        public FloorAssessment Assess(FusionSnapshot snapshot)
        {
            var hazard = (Interlocked.Increment(ref _n) & 1) == 0;
            return new FloorAssessment
            {
                InZone = hazard,
                Level = hazard ? RiskLevel.High : RiskLevel.Low,
                Reasons = [hazard ? "bench hazard" : "bench clear"],
            };
        }
    }

    /// <summary>A GPIO chip that stamps the first lamp or buzzer write after each level change.</summary>
    private sealed class StampingDriver(int capacity) : GpioDriver
    {
        private readonly double[] _fromDecision = new double[capacity];
        private readonly double[] _fromPublish = new double[capacity];
        private int _count;
        private long _decided,
            _published;
        private volatile bool _armed;

        public void OnChange(RiskState s)
        {
            _decided = s.Timestamp;
            _published = Stopwatch.GetTimestamp();
            _armed = true;
        }

        public void Clear() => Volatile.Write(ref _count, 0);

        public (double[] FromDecision, double[] FromPublish) Samples()
        {
            var n = Volatile.Read(ref _count);
            return (_fromDecision[..n], _fromPublish[..n]);
        }

        protected override void Write(int pinNumber, PinValue value)
        {
            if (pinNumber == 9 || !_armed)
                return; // the heartbeat writes from its own timer
            var now = Stopwatch.GetTimestamp();
            _armed = false;
            var i = _count;
            if (i >= _fromPublish.Length)
                return;
            _fromDecision[i] = (now - _decided) * 1e6 / Stopwatch.Frequency;
            _fromPublish[i] = (now - _published) * 1e6 / Stopwatch.Frequency;
            Volatile.Write(ref _count, i + 1);
        }

        protected override int PinCount => 64;

        protected override void OpenPin(int pinNumber) { }

        protected override void ClosePin(int pinNumber) { }

        protected override void SetPinMode(int pinNumber, PinMode mode) { }

        protected override PinMode GetPinMode(int pinNumber) => PinMode.Output;

        protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

        protected override PinValue Read(int pinNumber) => PinValue.Low;

        protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
            new() { TimedOut = true };

        protected override void AddCallbackForPinValueChangedEvent(
            int pinNumber,
            PinEventTypes eventTypes,
            PinChangeEventHandler callback
        ) => throw new NotSupportedException();

        protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) { }
    }
}
