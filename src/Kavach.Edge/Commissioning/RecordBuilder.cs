using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Protocols;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// Turns the learned scenes into a record: picks the reference target, measures each LiDAR's clear-air baseline
/// on it, and judges every sensor's reach against the zone (<see cref="Coverage"/>).
/// </summary>
public static class RecordBuilder
{
    /// <summary>A reference candidate must be seen in at least this fraction of the frames.</summary>
    public const double ReferencePresence = 0.5;

    public static CommissioningRecord Build(
        KavachOptions options,
        (LidarScene? Lidar, RadarScene? Radar, long Frames)[] scenes,
        double seconds,
        DateTimeOffset utc
    )
    {
        var risk = options.Risk;
        var reference = FindReference(options, scenes);
        var belowDb = options.Commissioning.ObstacleBelowReferenceDb;
        var zone = risk.StoppingDistanceM;
        var sensors = new List<RecordSensor>();
        for (var i = 0; i < options.Sensors.Count; i++)
        {
            var so = options.Sensors[i];
            var (lidar, radar, frames) = scenes[i];
            RecordCoverage? coverage = null;
            if (lidar is not null)
            {
                lidar = WithBaseline(lidar, reference?.RangeM, risk);
                coverage = Coverage.Lidar(so.Name, lidar, zone, belowDb);
            }
            if (radar is not null)
                coverage = Coverage.Radar(so.Name, radar, zone, belowDb);
            sensors.Add(
                new RecordSensor(
                    so.Name,
                    Kind(so.Kind),
                    SensorIdentity.Protocol(so),
                    SensorIdentity.Transport(so),
                    frames,
                    lidar,
                    radar,
                    coverage
                )
            );
        }
        return new CommissioningRecord(
            CommissioningRecord.SchemaName,
            CommissioningRecord.CurrentVersion,
            utc,
            AppInfo.Version,
            options.Device.Id,
            options.ConfigHash,
            Math.Round(seconds, 1),
            zone,
            belowDb,
            reference,
            sensors
        );
    }

    // Configured by hand: that range. Else the strongest static radar target above the gate, beyond backscatter
    // range, seen in most frames; with no radar, the LiDAR's most persistent far return.
    private static RecordReference? FindReference(KavachOptions options, (LidarScene? Lidar, RadarScene? Radar, long Frames)[] scenes)
    {
        var risk = options.Risk;
        double? range = risk.ReferenceRangeM > 0 ? risk.ReferenceRangeM : null;
        var source = range is null ? "measured" : "configuration";
        if (range is null)
        {
            var radar = scenes
                .Where(s => s.Radar is not null)
                .SelectMany(s => s.Radar!.StaticTargets)
                .Where(t => t.AboveMinSnr && t.Presence >= ReferencePresence && t.RangeM > risk.BackscatterMaxRangeM)
                .OrderByDescending(t => t.SnrDb ?? double.MinValue)
                .ThenByDescending(t => t.Presence)
                .FirstOrDefault();
            range = radar?.RangeM;
        }
        if (range is null)
        {
            var lidar = scenes
                .Where(s => s.Lidar is not null)
                .SelectMany(s => s.Lidar!.StaticReturns)
                .Where(r => r.Presence >= ReferencePresence && r.RangeM > risk.BackscatterMaxRangeM)
                .OrderByDescending(r => r.Presence)
                .ThenByDescending(r => r.RangeM)
                .FirstOrDefault();
            range = lidar?.RangeM;
        }
        if (range is not { } at)
            return null;
        var seenBy = new List<string>();
        for (var i = 0; i < scenes.Length; i++)
        {
            var seen =
                scenes[i].Lidar?.StaticReturns.Any(r => Near(r.RangeM, at, risk)) == true
                || scenes[i].Radar?.StaticTargets.Any(t => t.AboveMinSnr && Near(t.RangeM, at, risk)) == true;
            if (seen)
                seenBy.Add(options.Sensors[i].Name);
        }
        return new RecordReference(Math.Round(at, 2), seenBy, source);
    }

    // The clear-air baseline on the reference when the LiDAR returns it unsaturated; else on its strongest
    // unsaturated static return beyond backscatter range; else none.
    private static LidarScene WithBaseline(LidarScene scene, double? referenceM, RiskOptions risk)
    {
        var usable = scene
            .StaticReturns.Where(r => !r.Saturated && r.RangeM > risk.BackscatterMaxRangeM && r.Presence >= ReferencePresence)
            .ToList();
        var onReference = referenceM is { } at ? usable.FirstOrDefault(r => Near(r.RangeM, at, risk)) : null;
        var pick = onReference ?? usable.OrderByDescending(r => r.Strength * r.RangeM * r.RangeM).FirstOrDefault();
        return pick is null ? scene : scene with { BaselineStrength = pick.Strength, BaselineRangeM = pick.RangeM };
    }

    internal static bool Near(double a, double b, RiskOptions risk) => Math.Abs(a - b) <= Math.Max(risk.ConfirmToleranceM, 0.05 * b);

    internal static string Kind(SensorKind k) => k.ToString().ToLowerInvariant();
}
