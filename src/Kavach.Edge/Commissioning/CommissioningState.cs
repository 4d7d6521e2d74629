using System.Globalization;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// The record the daemon found at start, and what it did with it. <see cref="Load"/> reads the record (if any),
/// refuses one made for another sensor set, and fills the options the configuration leaves unset — hand-set
/// values win. Immutable after <see cref="Load"/>.
/// </summary>
public sealed class CommissioningState : ICommissionedScene
{
    private CommissioningState(string path, CommissioningRecord? record, string? hash, List<string> filled, List<string> kept)
    {
        RecordPath = path;
        Record = record;
        Hash = hash;
        Filled = filled;
        KeptByHand = kept;
    }

    public string RecordPath { get; }
    public CommissioningRecord? Record { get; }

    /// <summary>The record's hash (16 hex digits), null when not commissioned.</summary>
    public string? Hash { get; }

    /// <summary>Options the record filled ("Risk.ReferenceRangeM 95 m").</summary>
    public IReadOnlyList<string> Filled { get; }

    /// <summary>Options set by hand that the record did not override.</summary>
    public IReadOnlyList<string> KeptByHand { get; }

    public bool Commissioned => Record is not null;
    public double? ReferenceRangeM => Record?.Reference?.RangeM;

    /// <summary>One line: "commissioned 2026-12-04 16:50 UTC, record 3f2a… (reference 95 m)" or "not commissioned: …".</summary>
    public string Summary =>
        Record is { } r
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"commissioned {r.CreatedUtc.UtcDateTime:yyyy-MM-dd HH:mm} UTC, record {Hash} ({(r.Reference is { } x ? $"reference {x.RangeM:0.#} m" : "no reference target")})"
            )
            : NotCommissioned(RecordPath);

    public static string NotCommissioned(string path) =>
        $"not commissioned: no record at {path} — run kavach-edge commission (the safety floor runs on the configuration's values)";

    public IReadOnlyList<LidarReturn> StaticLidarReturns(int sensor) => Sensor(sensor)?.Lidar?.StaticReturns ?? [];

    public IReadOnlyList<RadarTarget> StaticRadarTargets(int sensor) =>
        Sensor(sensor)?.Radar?.StaticTargets.Where(t => t.AboveMinSnr).ToArray() ?? [];

    private RecordSensor? Sensor(int i) => Record is { } r && (uint)i < (uint)r.Sensors.Count ? r.Sensors[i] : null;

    /// <summary>
    /// Reads the record at <see cref="RecordFile.PathFor"/> and applies it to <paramref name="options"/>. No file: not
    /// commissioned. A file that cannot be read, or made for another sensor set, throws
    /// <see cref="ConfigurationRefusedException"/> (exit 2) naming the file and what differs.
    /// </summary>
    public static CommissioningState Load(KavachOptions options)
    {
        var path = RecordFile.PathFor(options);
        if (!File.Exists(path))
            return new CommissioningState(path, null, null, [], []);
        CommissioningRecord record;
        string hash;
        try
        {
            (record, hash) = RecordFile.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationRefusedException(
                $"commissioning record refused: {e.Message}; commission again (kavach-edge commission) or remove the file",
                e
            );
        }
        var diffs = SensorIdentity.Differences(record, options);
        if (diffs.Count > 0)
            throw new ConfigurationRefusedException(
                $"commissioning record {path} was made for another sensor set ({string.Join("; ", diffs)}); commission again (kavach-edge commission) or remove the file"
            );
        var (filled, kept) = Apply(record, options);
        options.CommissioningHash = hash;
        return new CommissioningState(path, record, hash, filled, kept);
    }

    // Fills what the configuration leaves at "not commissioned" (0): the reference range and each LiDAR's baseline.
    private static (List<string> Filled, List<string> Kept) Apply(CommissioningRecord record, KavachOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        List<string> filled = [],
            kept = [];
        if (record.Reference is { } reference)
        {
            if (options.Risk.ReferenceRangeM <= 0)
            {
                options.Risk.ReferenceRangeM = reference.RangeM;
                filled.Add(string.Create(inv, $"Risk.ReferenceRangeM {reference.RangeM:0.##} m"));
            }
            else if (Math.Abs(options.Risk.ReferenceRangeM - reference.RangeM) > 0.01)
                kept.Add(
                    string.Create(inv, $"Risk.ReferenceRangeM {options.Risk.ReferenceRangeM:0.##} m (record: {reference.RangeM:0.##} m)")
                );
        }
        for (var i = 0; i < options.Sensors.Count; i++)
        {
            var so = options.Sensors[i];
            if (record.Sensors[i].Lidar is not { BaselineStrength: { } strength, BaselineRangeM: { } range })
                continue;
            if (so.BaselineStrength <= 0)
            {
                so.BaselineStrength = strength;
                so.BaselineRangeM = range;
                filled.Add(string.Create(inv, $"Sensors[{i}].BaselineStrength {strength:0} at BaselineRangeM {range:0.##} m"));
            }
            else
                kept.Add(
                    string.Create(
                        inv,
                        $"Sensors[{i}].BaselineStrength {so.BaselineStrength:0} at {so.BaselineRangeM:0.##} m (record: {strength:0} at {range:0.##} m)"
                    )
                );
        }
        return (filled, kept);
    }

    /// <summary>Every sensor's coverage judged now: the record's scene with the configuration's current gates and zone
    /// (lowering MinSnrDb after a report takes effect at the next start, without commissioning again).</summary>
    public IReadOnlyList<(int Sensor, RecordCoverage Coverage)> CurrentCoverage(KavachOptions options)
    {
        if (Record is not { } r)
            return [];
        var zone = options.Risk.StoppingDistanceM;
        var below = options.Commissioning.ObstacleBelowReferenceDb;
        var list = new List<(int, RecordCoverage)>();
        for (var i = 0; i < r.Sensors.Count && i < options.Sensors.Count; i++)
        {
            var so = options.Sensors[i];
            var s = r.Sensors[i];
            if (s.Radar is { } radar)
                list.Add((i, Coverage.Radar(so.Name, radar with { MinSnrDb = so.MinSnrDb }, zone, below)));
            else if (s.Lidar is { } lidar)
                list.Add(
                    (
                        i,
                        Coverage.Lidar(
                            so.Name,
                            lidar with
                            {
                                BaselineStrength = so.BaselineStrength > 0 ? so.BaselineStrength : null,
                                BaselineRangeM = so.BaselineStrength > 0 ? so.BaselineRangeM : null,
                                MinStrength = so.MinStrength,
                                MaxRangeM = so.MaxRangeM > 0 ? so.MaxRangeM : null,
                            },
                            zone,
                            below
                        )
                    )
                );
        }
        return list;
    }
}
