using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Edge.Sensors;
using Kavach.Protocols;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// One commissioning run: the configured sensors' real inputs (the same <see cref="SensorInputService"/> and
/// <see cref="FusionEngine"/> as `run`, no alarm outputs, no storage, no uplink) are started; once every sensor is
/// live the <see cref="SceneLearner"/> collects for the given time while fusion watches that none falls silent.
/// A required sensor that never speaks, or goes silent, ends the run with no record.
/// </summary>
public sealed class CommissionRun(KavachOptions options, TimeProvider time, ILoggerFactory logs)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Called once the inputs listen (tests connect the simulator here).</summary>
    public Action<SensorInputService>? Started { get; init; }

    /// <summary>How long every sensor has to start talking: at least 10 s, or three of the longest TimeoutMs.</summary>
    public TimeSpan JoinTimeout { get; init; } =
        TimeSpan.FromMilliseconds(Math.Max(10_000, 3 * options.Sensors.Select(s => s.TimeoutMs).DefaultIfEmpty(0).Max()));

    /// <summary>Learns the scene for <paramref name="duration"/>; returns the scenes, or the reason there are none.</summary>
    public async Task<(SceneLearner? Learner, string? Failure, IReadOnlyList<string> Warnings)> RunAsync(
        TimeSpan duration,
        TextWriter output,
        CancellationToken ct
    )
    {
        var queue = new ReadingQueue(options.Fusion.QueueCapacity);
        var fusion = new FusionEngine(options, time);
        var learner = new SceneLearner(options);
        var inputs = new SensorInputService(options, queue, time, logs.CreateLogger<SensorInputService>());
        foreach (var s in inputs.Sensors)
            if (s.Options.Protocol == Sensors.Protocols.TiMmwaveProtocol.Entry)
                s.PointSink = learner;
        var warnings = new List<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await inputs.StartAsync(ct).ConfigureAwait(false);
        var reader = Task.Run(() => ReadAsync(queue, fusion, learner, stop.Token), CancellationToken.None);
        try
        {
            Started?.Invoke(inputs);
            foreach (var s in inputs.Sensors)
                output.WriteLine(
                    $"  {s.Name, -10} {SensorIdentity.Protocol(s.Options), -18} {SensorIdentity.Transport(s.Options)}"
                        + (inputs.BoundEndpoints.TryGetValue(s.Name, out var ep) ? $" (bound {ep})" : "")
                );
            output.WriteLine($"Waiting for every sensor (up to {JoinTimeout.TotalSeconds:0} s)…");

            var deadline = time.GetTimestamp() + (long)(JoinTimeout.TotalSeconds * time.TimestampFrequency);
            while (true)
            {
                var snapshot = fusion.Tick(time.GetTimestamp());
                var silent = Silent(snapshot, requiredOnly: false);
                if (silent.Count == 0)
                    break;
                if (time.GetTimestamp() >= deadline)
                {
                    var required = Silent(snapshot, requiredOnly: true);
                    if (required.Count > 0)
                        return (
                            null,
                            $"no data from {string.Join(", ", required.Select(Describe(inputs)))} within {JoinTimeout.TotalSeconds:0} s: check the wiring and the transport; nothing written",
                            warnings
                        );
                    warnings.Add($"optional sensor(s) {string.Join(", ", silent)} sent nothing: commissioned without them");
                    break;
                }
                await Task.Delay(Poll, time, ct).ConfigureAwait(false);
            }

            output.WriteLine($"Learning the static scene for {duration.TotalSeconds:0} s: keep the track empty…");
            learner.Collecting = true;
            var end = time.GetTimestamp() + (long)(duration.TotalSeconds * time.TimestampFrequency);
            while (time.GetTimestamp() < end)
            {
                await Task.Delay(Poll, time, ct).ConfigureAwait(false);
                var snapshot = fusion.Tick(time.GetTimestamp());
                var lost = Silent(snapshot, requiredOnly: true);
                if (lost.Count > 0)
                    return (
                        null,
                        $"{string.Join(", ", lost)} went silent during commissioning (stale or frozen): fix the sensor and commission again; nothing written",
                        warnings
                    );
            }
            learner.Collecting = false;
            return (learner, null, warnings);
        }
        finally
        {
            learner.Collecting = false;
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
                await inputs.StopAsync(cts.Token).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
            await inputs.DisposeAsync().ConfigureAwait(false);
        }
    }

    private List<string> Silent(FusionSnapshot snapshot, bool requiredOnly)
    {
        var names = new List<string>();
        for (var i = 0; i < snapshot.Sensors.Length; i++)
            if (!snapshot.Sensors[i].Live && (!requiredOnly || options.Sensors[i].Required))
                names.Add(options.Sensors[i].Name);
        return names;
    }

    private static Func<string, string> Describe(SensorInputService inputs) =>
        name =>
            inputs.Sensors.First(s => s.Name == name) is var s
                ? $"{name} ({s.Connection.ToString().ToLowerInvariant()}, {s.Frames} frames)"
                : name;

    private static async Task ReadAsync(ReadingQueue queue, FusionEngine fusion, SceneLearner learner, CancellationToken ct)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            while (queue.Reader.TryRead(out var r))
            {
                fusion.Add(r);
                learner.Add(r);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }
}
