using System.Globalization;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Commissioning;

/// <summary>
/// A sensor's reach against the protected zone, from what it returns off a known static target. Shared by
/// the commissioning record, its report and the live check, so all three say the same figure.
/// <list type="bullet">
/// <item>Radar: SNR falls 40·log10 with range (the R⁴ law). A target seen at SNR S at range R puts an obstacle
/// D dB weaker (<c>Commissioning.ObstacleBelowReferenceDb</c>) at its gate G (<c>MinSnrDb</c>) at
/// R·10^((S − D − G)/40); its margin at the zone edge Z is S − D − G + 40·log10(R/Z).</item>
/// <item>LiDAR: strength falls with 1/R² in clear air, so a return of strength S at R puts the same obstacle at
/// the sensor's floor (<c>MinStrength</c>) at R·√(S·10^(−D/10) / MinStrength), no farther than the datasheet
/// reach (<c>MaxRangeM</c>). With no static return to measure on, the datasheet reach is all there is.</item>
/// </list>
/// </summary>
public static class Coverage
{
    /// <summary>Radar reach for an obstacle <paramref name="belowDb"/> weaker than a target of <paramref name="snrDb"/> at
    /// <paramref name="rangeM"/>.</summary>
    public static double RadarReachM(double rangeM, double snrDb, double belowDb, double minSnrDb) =>
        rangeM * Math.Pow(10, (snrDb - belowDb - minSnrDb) / 40);

    /// <summary>That obstacle's SNR margin over the gate at the zone edge, dB.</summary>
    public static double RadarZoneMarginDb(double rangeM, double snrDb, double belowDb, double minSnrDb, double zoneM) =>
        snrDb - belowDb - minSnrDb + 40 * Math.Log10(rangeM / zoneM);

    /// <summary>LiDAR reach measured on a return of <paramref name="strength"/> at <paramref name="rangeM"/> (not capped).</summary>
    public static double LidarMeasuredReachM(double rangeM, double strength, double belowDb, double minStrength) =>
        rangeM * Math.Sqrt(strength * Math.Pow(10, -belowDb / 10) / Math.Max(minStrength, 1e-6));

    /// <summary>The radar's coverage from its best static target (the one promising the farthest reach).</summary>
    public static RecordCoverage Radar(string name, RadarScene scene, double zoneM, double belowDb)
    {
        RadarTarget? best = null;
        var reach = double.NaN;
        foreach (var t in scene.StaticTargets)
        {
            if (t.SnrDb is not { } snr || t.Presence < 0.5)
                continue;
            var r = RadarReachM(t.RangeM, snr, belowDb, scene.MinSnrDb);
            if (best is null || r > reach)
            {
                best = t;
                reach = r;
            }
        }
        if (best is null)
            return new RecordCoverage(
                null,
                false,
                null,
                false,
                $"{name}: reach not measured — no static target with an SNR in view; place a reflector beside the track (beyond the zone is best) and commission again"
            );
        var margin = RadarZoneMarginDb(best.RangeM, best.SnrDb!.Value, belowDb, scene.MinSnrDb, zoneM);
        var covered = reach >= zoneM;
        var detail = covered
            ? F(
                $"{name} sees {reach:0} m, covering the {zoneM:0} m zone ({margin:+0.0;-0.0} dB at its edge for an obstacle {belowDb:0} dB below the {best.RangeM:0} m target)"
            )
            : F($"{name} sees {reach:0} m of a {zoneM:0} m zone: lower MinSnrDb (now {scene.MinSnrDb:0.#} dB) or move the post");
        return new RecordCoverage(Math.Round(reach, 1), true, Math.Round(margin, 1), covered, detail);
    }

    /// <summary>The LiDAR's coverage: measured on its baseline return when it has one, capped by its datasheet reach.</summary>
    public static RecordCoverage Lidar(string name, LidarScene scene, double zoneM, double belowDb)
    {
        double? measured =
            scene.BaselineStrength is { } s && scene.BaselineRangeM is { } r ? LidarMeasuredReachM(r, s, belowDb, scene.MinStrength) : null;
        double? datasheet = scene.MaxRangeM is > 0 ? scene.MaxRangeM : null;
        double? reach = (measured, datasheet) switch
        {
            ({ } m, { } d) => Math.Min(m, d),
            ({ } m, null) => m,
            (null, { } d) => d,
            _ => null,
        };
        if (reach is not { } v)
            return new RecordCoverage(
                null,
                false,
                null,
                false,
                $"{name}: reach not measured — no static return to measure on and no MaxRangeM; set MaxRangeM from the datasheet"
            );
        var isMeasured = measured is { } mm && (datasheet is not { } dd || mm < dd);
        var covered = v >= zoneM;
        var how = isMeasured ? "measured" : "datasheet MaxRangeM";
        var detail = covered
            ? F($"{name} sees {v:0} m ({how}), covering the {zoneM:0} m zone")
            : F(
                $"{name} sees {v:0} m of a {zoneM:0} m zone ({how}): beyond it the radar alone covers; a longer-range LiDAR or a post nearer the zone closes the gap"
            );
        return new RecordCoverage(Math.Round(v, 1), isMeasured, null, covered, detail);
    }

    /// <summary>The name of a coverage degradation: "radar reach 125 m &lt; zone 150 m".</summary>
    public static string GapFigure(string name, double reachM, double zoneM) => F($"{name} reach {reachM:0} m < zone {zoneM:0} m");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
