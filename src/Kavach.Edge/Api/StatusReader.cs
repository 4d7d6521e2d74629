using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Protocols;

namespace Kavach.Edge.Api;

/// <summary>
/// Reads the daemon's live state into the API's shapes (status, health). Read-only: it only reads the
/// thread-safe views the stages publish (latest risk state, last fusion snapshot, sensor counters, stage
/// faults, outputs), so it can be called from any request thread at any rate.
/// </summary>
public sealed class StatusReader(
    KavachOptions options,
    RiskBroadcaster broadcaster,
    Pipeline.TickPipeline pipeline,
    SensorInputService inputs,
    AlarmOutputs alarm,
    AlarmControl control,
    StageFaults faults,
    TimeProvider time,
    Model.ModelLayer? model = null,
    Uplink.UplinkService? uplink = null,
    Commissioning.CommissioningState? commissioning = null,
    Commissioning.Degradations? degradations = null
)
{
    private readonly long _started = time.GetTimestamp();

    /// <summary>A pipeline with no tick for this long is stalled (health 503).</summary>
    private TimeSpan StallAfter => TimeSpan.FromMilliseconds(Math.Max(1000, 5 * options.Fusion.TickMs));

    /// <summary>The latest published state (before the pipeline's first publish: the risk state's initial one).</summary>
    public RiskState Current => broadcaster.Latest ?? pipeline.Risk.Current;

    public Status Status()
    {
        var s = Current;
        var floor = pipeline.Risk.LastFloor;
        var o = alarm.Snapshot;
        var silenced = control.BuzzerSilenced;
        return new Status(
            options.Device.Id,
            AppInfo.Version,
            time.GetUtcNow(),
            Round(time.GetElapsedTime(_started).TotalSeconds, 1) ?? 0,
            RiskLevels.Name(s.Level),
            s.Previous is { } p ? RiskLevels.Name(p) : null,
            s.Change,
            s.Utc,
            s.Reasons,
            s.RaisedBy,
            s.Starting,
            pipeline.Risk.ActiveFaults,
            floor is null
                ? new Visibility(null, false, "none", FogClasses.Name(FogClass.Unknown))
                : new Visibility(
                    Round(floor.VisibilityM, 0),
                    floor.VisibilityIsBound,
                    floor.VisibilitySource,
                    FogClasses.Name(floor.FogClass)
                ),
            floor is null || floor.ObstacleSource == ObstacleSource.None
                ? new Obstacle(false, null, null, null, null)
                : new Obstacle(
                    true,
                    Round(floor.ObstacleRangeM, 1),
                    Round(floor.ClosingSpeedMps, 1),
                    Round(floor.TtcS, 1),
                    SafetyFloor.SourceName(floor.ObstacleSource)
                ),
            Sensors(),
            new Outputs(
                o.Pattern,
                OnOff(o.Green),
                OnOff(o.Amber),
                OnOff(o.Red),
                silenced ? "off (acknowledged)" : OnOff(o.Buzzer),
                silenced
            ),
            new AlarmInfo(control.CurrentEpisode, silenced, control.InMaintenance, control.MaintenanceUntil),
            ModelComponent(),
            UplinkComponent(),
            new PipelineInfo(
                pipeline.Ticks,
                pipeline.LastTick == long.MinValue ? null : Round(time.GetElapsedTime(pipeline.LastTick).TotalMilliseconds, 0)
            ),
            CommissioningComponent(),
            degradations?.Snapshot() ?? []
        )
        {
            OwnSpeedKmh = _hasGnss ? new NullableKmh(OwnSpeedKmh(pipeline.LastSnapshot)) : null,
            SpeedTrust = _hasGnss ? SpeedTrustName(pipeline.LastSnapshot?.Motion.Trust ?? Locomotive.SpeedTrust.NeverSeen) : null,
            Cab = _locomotive ? new NullableCab(pipeline.LastAssessment?.Cab is { } cab ? CabStatus.From(cab) : null) : null,
        };
    }

    private readonly bool _locomotive = options.Device.Mode == DeviceMode.Locomotive;

    private readonly bool _hasGnss = options.CountOf(SensorKind.Gnss) > 0;

    private static double? OwnSpeedKmh(Fusion.FusionSnapshot? snapshot) =>
        snapshot is { Motion.Trusted: true } s ? Round(s.Motion.SpeedMps * 3.6, 1) : null;

    /// <summary>The API's name of a <see cref="Locomotive.SpeedTrust"/> (kebab-case).</summary>
    public static string SpeedTrustName(Locomotive.SpeedTrust trust) =>
        trust switch
        {
            Locomotive.SpeedTrust.Trusted => "trusted",
            Locomotive.SpeedTrust.NoFix => "no-fix",
            Locomotive.SpeedTrust.DeadReckoning => "dead-reckoning",
            Locomotive.SpeedTrust.PoorGeometry => "poor-geometry",
            Locomotive.SpeedTrust.Stale => "stale",
            _ => "never-seen",
        };

    // Not commissioned is a degradation (the floor runs on the configuration's values), not a fault.
    private ComponentState CommissioningComponent() =>
        commissioning is null ? new ComponentState("unknown")
        : commissioning.Commissioned ? new ComponentState("commissioned", commissioning.Summary) { Hash = commissioning.Hash }
        : new ComponentState("not commissioned", commissioning.Summary);

    private static string OnOff(bool on) => on ? "on" : "off";

    // The model failing is a degradation (the floor stays in charge), not a fault: shown, never 503.
    private ComponentState ModelComponent()
    {
        if (model is null)
            return new ComponentState("disabled");
        var h = model.Health;
        var state = h.State switch
        {
            Model.ModelState.Running => "running",
            Model.ModelState.Degraded => "degraded (safety floor in charge)",
            Model.ModelState.FloorOnly => "not loaded (safety floor alone)",
            _ => "disabled",
        };
        return new ComponentState(state, $"{h.Runs} windows, {h.Failures} failures{(h.Message.Length > 0 ? "; " + h.Message : "")}");
    }

    private ComponentState UplinkComponent()
    {
        if (options.Uplink.Host.Length == 0)
            return new ComponentState("not configured");
        if (uplink is null)
            return new ComponentState("not running");
        if (uplink.IdConflict is { } conflict)
            return new ComponentState(
                $"held back: {conflict} (alerts kept in the outbox)",
                $"{options.Uplink.Host}:{options.Uplink.Port}, instance {uplink.InstanceId}"
            );
        return new ComponentState(
            uplink.Connected ? "connected" : "disconnected (alerts kept in the outbox)",
            $"{options.Uplink.Host}:{options.Uplink.Port}, {uplink.Sent} alert(s) acknowledged by the broker since start"
        );
    }

    public IReadOnlyList<SensorHealth> Sensors()
    {
        var snapshot = pipeline.LastSnapshot;
        var list = new List<SensorHealth>(inputs.Sensors.Count);
        foreach (var s in inputs.Sensors)
        {
            var f = snapshot is not null && s.Index < snapshot.Sensors.Length ? snapshot.Sensors[s.Index] : default;
            var seen = snapshot is not null && f.EverSeen;
            var byReason = new Dictionary<string, long>();
            for (var r = 0; r < RejectReasons.Count; r++)
                if (s.Rejects((RejectReason)r) is var n and > 0)
                    byReason[RejectReasons.Name((RejectReason)r)] = n;
            list.Add(
                new SensorHealth(
                    s.Name,
                    s.Kind.ToString().ToLowerInvariant(),
                    s.Options.Required,
                    s.Connection.ToString().ToLowerInvariant(),
                    s.Clients,
                    s.Frames,
                    s.TotalRejects,
                    byReason,
                    s.Dropped,
                    s.LastFrameTimestamp == long.MinValue ? null : Round(time.GetElapsedTime(s.LastFrameTimestamp).TotalSeconds, 1),
                    seen,
                    !seen || f.Stale,
                    seen && f.Frozen,
                    seen && f.Live
                )
            );
        }
        return list;
    }

    /// <summary>
    /// 200 ("ok") while the unit vouches for the track: not FAULT, the pipeline ticking, every required
    /// sensor live, no stage fault. Otherwise 503 ("fault"). HIGH with everything working is "ok": the
    /// unit is doing its job.
    /// </summary>
    public Health Health()
    {
        var s = Current;
        var components = new List<HealthComponent>
        {
            new("risk", s.Level != RiskLevel.Fault, $"{RiskLevels.Name(s.Level)}: {string.Join("; ", s.Reasons)}"),
        };
        var last = pipeline.LastTick;
        components.Add(
            last == long.MinValue ? new("pipeline", false, "no tick yet")
            : time.GetElapsedTime(last) is var age && age > StallAfter
                ? new("pipeline", false, $"stalled: no tick for {age.TotalSeconds:0.0} s")
            : new("pipeline", true, $"ticking ({pipeline.Ticks} ticks)")
        );
        foreach (var sensor in Sensors())
        {
            var state =
                !sensor.EverSeen ? "no data yet"
                : sensor.Frozen ? "output frozen"
                : sensor.Stale ? $"stale ({sensor.LastFrameAgeS:0.0} s without a frame)"
                : "live";
            components.Add(
                new(
                    $"sensor {sensor.Name}",
                    sensor.Live || !sensor.Required,
                    $"{sensor.Connection}, {state}{(sensor.Required ? "" : " (not required)")}"
                )
            );
        }
        components.Add(new("storage", !faults.IsActive("storage"), faults.IsActive("storage") ? "failing" : "writing"));
        foreach (var f in faults.Snapshot())
            if (!f.StartsWith("storage:", StringComparison.Ordinal))
                components.Add(new(f.Split(':')[0], false, f));
        // degradations: shown, never 503 (the unit still vouches for the track on the floor)
        var degraded = degradations?.Entries() ?? [];
        foreach (var (key, message) in degraded)
            components.Add(new(key, true, "degraded: " + message));
        if (commissioning is { Commissioned: true })
            components.Add(new("commissioning", true, commissioning.Summary));
        var healthy = components.TrueForAll(c => c.Ok);
        // The reason names components only (sensor names are the site's own words; stage names are fixed): never a detail.
        var reason = healthy ? "every component ok" : "not ok: " + string.Join(", ", components.Where(c => !c.Ok).Select(c => c.Name));
        return new Health(
            healthy ? "ok" : "fault",
            reason,
            time.GetUtcNow(),
            RiskLevels.Name(s.Level),
            components,
            degraded.Select(d => d.Message).ToArray()
        );
    }

    private static double? Round(double v, int digits) => double.IsFinite(v) ? Math.Round(v, digits) : null;
}
