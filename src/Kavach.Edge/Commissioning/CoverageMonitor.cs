using System.Globalization;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Protocols;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// Coverage as health. At start: not commissioned is a degradation; each sensor's reach from the record (judged
/// with the configuration's current gates), or a LiDAR's datasheet reach when there is no record, below the zone is
/// a degradation with its figure. Live, once a second on the pipeline's tick: a ti-mmwave radar's SNR on the reference target
/// gives its reach now; short of the zone for <see cref="ConfirmChecks"/> checks in a row raises
/// "radar reach 125 m &lt; zone 150 m", as many checks at or above it clear it. Never silent, never a fault: the
/// floor still runs on what the sensors do see.
/// </summary>
public sealed class CoverageMonitor(
    KavachOptions options,
    CommissioningState state,
    Degradations degradations,
    Pipeline.TickPipeline pipeline,
    TimeProvider time,
    ILogger<CoverageMonitor> log
) : IHostedService
{
    /// <summary>Consecutive one-second checks that raise or clear a live coverage degradation.</summary>
    public const int ConfirmChecks = 3;

    public const string CommissioningKey = "commissioning";

    private readonly int[] _short = new int[options.Sensors.Count],
        _ok = new int[options.Sensors.Count];
    private long _nextCheck = long.MinValue;

    public static string CoverageKey(string sensor) => "coverage " + sensor;

    public static string LiveKey(string sensor) => "coverage " + sensor + " live";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!state.Commissioned)
        {
            degradations.Raise(CommissioningKey, CommissioningState.NotCommissioned(state.RecordPath));
            log.LogWarning(
                "Not commissioned: no record at {Path}; run kavach-edge commission (the safety floor runs on the configuration's values)",
                state.RecordPath
            );
        }
        else
        {
            log.LogInformation(
                "Commissioning: {Summary}; filled {Filled}; kept as set by hand {Kept}",
                state.Summary,
                state.Filled.Count == 0 ? "nothing" : string.Join(", ", state.Filled),
                state.KeptByHand.Count == 0 ? "nothing" : string.Join(", ", state.KeptByHand)
            );
        }
        foreach (var (sensor, message) in StartGaps())
        {
            degradations.Raise(CoverageKey(sensor), message);
            log.LogWarning("Coverage: {Message}", message);
        }
        pipeline.Ticked += OnTick;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        pipeline.Ticked -= OnTick;
        return Task.CompletedTask;
    }

    // What the record (or, without one, a LiDAR's datasheet reach) says about each sensor's reach.
    private IEnumerable<(string Sensor, string Message)> StartGaps()
    {
        var zone = options.Risk.StoppingDistanceM;
        if (state.Commissioned)
        {
            foreach (var (i, c) in state.CurrentCoverage(options))
            {
                if (c.Covered)
                    continue;
                var name = options.Sensors[i].Name;
                yield return (
                    name,
                    c.ReachM is { } reach
                        ? $"{Coverage.GapFigure(name, reach, zone)} (commissioned): {c.Detail}"
                        : $"{name} reach unknown (commissioned): {c.Detail}"
                );
            }
            yield break;
        }
        foreach (var so in options.Sensors)
            if (so.Kind == SensorKind.Lidar && so.MaxRangeM > 0 && so.MaxRangeM < zone)
                yield return (
                    so.Name,
                    $"{Coverage.GapFigure(so.Name, so.MaxRangeM, zone)} (datasheet MaxRangeM): beyond it the radar alone covers"
                );
    }

    // On the tick thread: cheap, once a second.
    private void OnTick(FusionSnapshot snapshot)
    {
        if (_nextCheck != long.MinValue && snapshot.Timestamp < _nextCheck)
            return;
        _nextCheck = snapshot.Timestamp + time.TimestampFrequency;
        var reference = options.Risk.ReferenceRangeM;
        if (reference <= 0)
            return;
        var zone = options.Risk.StoppingDistanceM;
        var below = options.Commissioning.ObstacleBelowReferenceDb;
        foreach (ref readonly var f in snapshot.Sensors.AsSpan())
        {
            if (f.Kind != SensorKind.Radar || !f.Live || float.IsNaN(f.RangeM) || float.IsNaN(f.SnrDb))
                continue;
            // only while the radar's target is the static reference (an obstacle in front says nothing about reach)
            if (!RecordBuilder.Near(f.RangeM, reference, options.Risk) || Math.Abs(f.ClosingSpeedMps) >= options.Risk.MinClosingSpeedMps)
                continue;
            var so = options.Sensors[f.Sensor];
            if (so.Protocol != Sensors.Protocols.TiMmwaveProtocol.Entry)
                continue; // MinSnrDb is the gate of ti-mmwave radars only
            var reach = Coverage.RadarReachM(f.RangeM, f.SnrDb, below, so.MinSnrDb);
            var key = LiveKey(so.Name);
            if (reach < zone)
            {
                _ok[f.Sensor] = 0;
                if (++_short[f.Sensor] < ConfirmChecks)
                    continue;
                var message = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Coverage.GapFigure(so.Name, reach, zone)} (live: {f.SnrDb:0.0} dB on the {f.RangeM:0} m reference, MinSnrDb {so.MinSnrDb:0.#}): lower MinSnrDb or move the post"
                );
                if (!degradations.IsActive(key))
                    log.LogWarning("Coverage: {Message}", message);
                degradations.Raise(key, message);
            }
            else
            {
                _short[f.Sensor] = 0;
                if (++_ok[f.Sensor] < ConfirmChecks)
                    continue;
                if (degradations.Clear(key))
                    log.LogInformation("Coverage: {Sensor} reach {Reach:0} m covers the {Zone:0} m zone again", so.Name, reach, zone);
            }
        }
    }
}
