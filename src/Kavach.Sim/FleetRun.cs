using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Kavach.Sim;

/// <summary>
/// One run of <c>kavach-sim fleet</c>: a generator paces the work (alerts at the fleet's rate, bursts, restarts,
/// telemetry) and hands each post's work to the one <see cref="FleetConnection"/> that owns the post, through that
/// connection's FIFO queue, so a post's alerts reach the broker in seq order. The connections publish; the generator
/// never waits for them (a backlog shows in the progress line). After <c>--seconds</c> the queues are drained.
/// </summary>
internal sealed class FleetRun(FleetOptions o, TimeProvider time, TextWriter stdout)
{
    /// <summary>Chance per generated alert that a burst starts instead (with --bursts), and the burst sizes.</summary>
    private const double BurstChance = 0.002;
    private const int BurstMin = 10,
        BurstMax = 50;

    public async Task<FleetReport> RunAsync(CancellationToken ct)
    {
        var rng = new Random(unchecked((int)(o.Seed ^ (o.Seed >> 32))));
        var devices = new FleetDevice[o.Devices];
        var width = Math.Max(4, o.Devices.ToString(CultureInfo.InvariantCulture).Length);
        for (var i = 0; i < devices.Length; i++)
            devices[i] = new FleetDevice(
                $"{o.Prefix}-{(i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}",
                Hex(rng),
                Hex(rng),
                Hex(rng)
            );
        var connections = new FleetConnection[o.Connections];
        for (var k = 0; k < connections.Length; k++)
            connections[k] = new FleetConnection(o, k, devices.Where((_, i) => i % o.Connections == k).ToArray(), time, rng.Next());

        await Task.WhenAll(connections.Select(c => c.StartAsync(ct))).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var loops = connections.Select(c => c.RunAsync(ct)).ToArray();
        var restarts = PlanRestarts(rng);
        long alerts = 0,
            bursts = 0,
            telemetry = 0;
        var nextRestart = 0;
        var nextProgress = 1.0;
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5), time))
        {
            while (true)
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var end = elapsed >= o.Seconds;
                if (end)
                    elapsed = o.Seconds;
                for (var due = (long)(o.RatePerS * elapsed); alerts < due; )
                {
                    var d = rng.Next(devices.Length);
                    var n = o.Bursts && rng.NextDouble() < BurstChance ? rng.Next(BurstMin, BurstMax + 1) : 1;
                    if (n > 1)
                        bursts++;
                    Send(connections, d, FleetWork.Kind.Alert, n);
                    alerts += n;
                }
                if (o.TelemetryS > 0)
                    for (var due = (long)(elapsed * devices.Length / o.TelemetryS); telemetry < due; telemetry++)
                        Send(connections, (int)(telemetry % devices.Length), FleetWork.Kind.Telemetry, 1);
                for (; nextRestart < restarts.Count && restarts[nextRestart].AtS <= elapsed; nextRestart++)
                    Send(connections, restarts[nextRestart].Device, FleetWork.Kind.Restart, 1);
                if (!o.Quiet && elapsed >= nextProgress)
                {
                    nextProgress = Math.Floor(elapsed) + 1;
                    var acked = connections.Sum(c => c.AlertsAcked);
                    stdout.WriteLine(
                        FormattableString.Invariant(
                            $"kavach-sim fleet: {elapsed:0} s: {alerts} alerts generated, {acked} acknowledged ({acked / elapsed:0}/s), backlog {connections.Sum(c => c.Backlog)}"
                        )
                    );
                }
                if (end)
                    break;
                await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
            }
        }
        foreach (var c in connections)
            c.Complete();
        await Task.WhenAll(loops).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Task.WhenAll(connections.Select(c => c.StopAsync())).ConfigureAwait(false);
        return new FleetReport(o, devices, connections, alerts, bursts, nextRestart, seconds);
    }

    private void Send(FleetConnection[] connections, int device, FleetWork.Kind kind, int count) =>
        connections[device % o.Connections].Enqueue(new FleetWork(device / o.Connections, kind, count));

    // About one post in 20 restarts, at a time between 10 % and 80 % of the run; none without --restarts.
    private List<(double AtS, int Device)> PlanRestarts(Random rng)
    {
        var plan = new List<(double, int)>();
        if (!o.Restarts)
            return plan;
        var count = Math.Max(1, o.Devices / 20);
        foreach (var d in Enumerable.Range(0, o.Devices).OrderBy(_ => rng.Next()).Take(count).ToList())
            plan.Add((o.Seconds * (0.1 + 0.7 * rng.NextDouble()), d));
        plan.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return plan;
    }

    internal static string Hex(Random rng) => rng.NextInt64().ToString("x16", CultureInfo.InvariantCulture);
}

/// <summary>One unit of a post's work, queued to the connection that owns the post (<see cref="Device"/>: its index there).</summary>
internal readonly record struct FleetWork(int Device, FleetWork.Kind What, int Count)
{
    public enum Kind
    {
        Alert,
        Telemetry,
        Restart,
    }
}

/// <summary>A simulated post: its identity now, and per epoch the seq ranges the broker acknowledged. Touched only by
/// the connection that owns it.</summary>
internal sealed class FleetDevice(string id, string epoch, string instance, string commissioning)
{
    public string Id { get; } = id;
    public string AlertsTopic { get; } = $"kavach/{id}/alerts"; // docs/alerts.md: kavach/<deviceId>/<leaf>
    public string StatusTopic { get; } = $"kavach/{id}/status";
    public string TelemetryTopic { get; } = $"kavach/{id}/telemetry";
    public string Epoch { get; private set; } = epoch;
    public string Instance { get; private set; } = instance;
    public string Commissioning { get; } = commissioning;
    public long Seq { get; set; }
    public int Level { get; set; } = -1;
    public long Telemetry { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public int Restarts { get; private set; }

    /// <summary>Per epoch, in order: the seq ranges acknowledged by the broker (a refused publish splits a range).</summary>
    public List<(string Epoch, List<(long From, long To)> Ranges)> Streams { get; } = [(epoch, [])];

    public void Acked(long seq)
    {
        var ranges = Streams[^1].Ranges;
        if (ranges.Count > 0 && ranges[^1].To == seq - 1)
            ranges[^1] = (ranges[^1].From, seq);
        else
            ranges.Add((seq, seq));
    }

    public void Restart(string epoch, string instance)
    {
        Epoch = epoch;
        Instance = instance;
        Seq = 0;
        Restarts++;
        Streams.Add((epoch, []));
    }
}
