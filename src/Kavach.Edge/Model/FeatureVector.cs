using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Fusion;
using Kavach.Protocols;

namespace Kavach.Edge.Model;

/// <summary>
/// The model's input: one fixed vector per fusion window, one block per role (LiDAR, radar, camera).
/// A role with no live sensor has its <c>*_present</c> flag 0 and every other value of the block 0
/// (never NaN): the flag, not a zero, says it is missing. Several sensors of one kind are reduced first:
/// distances from the sensor with the nearest return, attenuation from the most attenuated LiDAR,
/// valid-return ratio the lowest, age the oldest, visibility the lowest (the most conservative view).
/// Every value is sanitised (NaN/∞ → 0 and clamped), so NaN never reaches the model. The table of
/// names, units and scales is <see cref="Names"/> and models/README.md. <see cref="Fill"/> allocates nothing.
/// </summary>
public static class FeatureVector
{
    /// <summary>Length of the vector (the model's input width).</summary>
    public const int Count = 39;

    private const double Koschmieder = 3.912; // ln(50), docs/protocols.md §5
    private const double MaxVisibilityM = 20_000;
    private const float BeyondReachMargin = -10; // scaled and clamped to −2, the bottom of the feature's range

    /// <summary>Feature names in vector order (the CSV header of the training data, the model card's table).</summary>
    public static readonly string[] Names =
    [
        // LiDAR block
        "lidar_present", // 0  1 = at least one live LiDAR
        "lidar_valid_ratio", // 1  lowest fraction of frames with a valid return, 0..1
        "lidar_has_return", // 2  1 = some live LiDAR had a valid return
        "lidar_nearest_m", // 3  nearest valid return, m / 100, 0..2
        "lidar_median_m", // 4  median return of that LiDAR, m / 100, 0..2
        "lidar_std_m", // 5  std of that LiDAR's returns, m / 10, 0..5
        "lidar_near_cluster", // 6  1 = a persistent near cluster exists
        "lidar_near_cluster_m", // 7  its range, m / 100, 0..2
        "lidar_near_cluster_persist", // 8  its persistence, 0..1
        "lidar_near_cluster_atten", // 9  ln(S / S0(R)) of it against the clear-air baseline, / 5, −3..1
        "lidar_cluster_m", // 10 dominant cluster range, m / 100, 0..2
        "lidar_cluster_persist", // 11 its persistence, 0..1
        "lidar_cluster_atten", // 12 lowest ln(S / S0(R)) of the dominant clusters, / 5, −3..1
        "lidar_strength_margin", // 13 ln(median strength / MinStrength), / 5, −1..3
        "lidar_margin_at_radar", // 14 ln(S0(R_radar) / MinStrength) / 5: could the LiDAR see the radar target in clear air, −2..3 (−2 beyond its MaxRangeM)
        "lidar_sees_radar_target", // 15 1 = a LiDAR cluster lies at the radar target's range
        "lidar_vis_est", // 16 log10 of the Koschmieder visibility from the dominant cluster's attenuation, / 4, 0..1.1
        "lidar_vis_bound", // 17 log10 of the upper bound from a lost radar target within reach, / 4, 0..1.1
        "lidar_near_is_reference", // 18 1 = the near cluster is the commissioned reference target
        "lidar_age_s", // 19 oldest frame age, s / 2, 0..2.5
        "lidar_commissioned", // 20 1 = BaselineStrength set (attenuation features meaningful)
        "lidar_far_cluster_m", // 21 densest cluster beyond backscatter range (any persistence), m / 100, 0..2
        "lidar_far_cluster_persist", // 22 its fraction of the frames, 0..1
        "lidar_far_cluster_atten", // 23 ln(S / S0(R)) of it, / 5, −3..1 (0 when not commissioned)
        // radar block
        "radar_present", // 24 1 = at least one live radar
        "radar_valid_ratio", // 25 fraction of frames with a target (radar with the nearest target), 0..1
        "radar_has_target", // 26 1 = a target in the window
        "radar_range_m", // 27 median nearest-target range, m / 100, 0..3
        "radar_latest_range_m", // 28 latest nearest-target range, m / 100, 0..3
        "radar_closing_mps", // 29 median closing speed, m/s / 20 (positive approaching), −3..3
        "radar_snr_db", // 30 median SNR, dB / 40, 0..2
        "radar_targets", // 31 ln(1 + most targets per frame over radars) / 2, 0..2
        "radar_is_reference", // 32 1 = the target is the commissioned static reference
        "radar_age_s", // 33 oldest frame age, s / 2, 0..2.5
        "radar_near_m", // 34 nearest range reported in ≥ 20 % of the frames (a weak target), m / 100, 0..3
        "radar_near_persist", // 35 its fraction of the frames, 0..1
        // camera block
        "camera_present", // 36 1 = at least one live camera
        "camera_vis", // 37 log10(lowest visibility, m) / 4, 0..1.1
        "camera_age_s", // 38 oldest frame age, s / 2, 0..2.5
    ];

    /// <summary>
    /// Writes the features of <paramref name="snapshot"/> into <paramref name="dest"/> (length ≥ <see cref="Count"/>).
    /// Pure and allocation-free; thread-safe for distinct destinations.
    /// </summary>
    public static void Fill(FusionSnapshot snapshot, KavachOptions options, Span<float> dest)
    {
        if (dest.Length < Count)
            throw new ArgumentException($"needs {Count} floats", nameof(dest));
        var x = dest[..Count];
        x.Clear();
        var risk = options.Risk;
        var sensors = snapshot.Sensors;

        // ---- radar: the live radar with the nearest target (or any live one)
        int radar = -1;
        float radarAge = 0,
            radarTargets = 0,
            nearTarget = float.NaN,
            nearTargetPersist = 0;
        for (var i = 0; i < sensors.Length; i++)
        {
            ref readonly var f = ref sensors[i];
            if (f.Kind != SensorKind.Radar || !f.Live)
                continue;
            radarAge = Math.Max(radarAge, Finite(f.AgeS));
            radarTargets = Math.Max(radarTargets, Finite(f.TargetsMean));
            if (radar < 0 || Nearer(f.RangeM, sensors[radar].RangeM))
                radar = i;
            if (Nearer(f.NearTargetRangeM, nearTarget))
            {
                nearTarget = f.NearTargetRangeM;
                nearTargetPersist = Finite(f.NearTargetPersistence);
            }
        }
        if (float.IsFinite(nearTarget))
        {
            x[34] = Clamp(nearTarget / 100, 0, 3);
            x[35] = Clamp(nearTargetPersist, 0, 1);
        }
        var radarRange = double.NaN;
        if (radar >= 0)
        {
            ref readonly var r = ref sensors[radar];
            x[24] = 1;
            x[25] = Clamp(r.ValidRatio, 0, 1);
            x[33] = Clamp(radarAge / 2, 0, 2.5f);
            x[31] = Clamp(MathF.Log(1 + radarTargets) / 2, 0, 2);
            if (float.IsFinite(r.RangeM))
            {
                radarRange = r.RangeM;
                var closing = Finite(r.ClosingSpeedMps);
                x[26] = 1;
                x[27] = Clamp(r.RangeM / 100, 0, 3);
                x[28] = Clamp((float.IsFinite(r.LatestRangeM) ? r.LatestRangeM : r.RangeM) / 100, 0, 3);
                x[29] = Clamp(closing / 20, -3, 3);
                x[30] = Clamp(Finite(r.SnrDb) / 40, 0, 2);
                x[32] = IsReference(risk, r.RangeM, closing) ? 1 : 0;
            }
        }

        FillCamera(sensors, x);

        // ---- LiDAR
        int nearest = -1,
            nearCluster = -1,
            dominant = -1,
            farCluster = -1;
        float valid = 1,
            lidarAge = 0,
            margin = float.NaN,
            marginAtRadar = float.NaN,
            visBound = float.NaN;
        var anyLidar = false;
        var commissioned = false;
        var seesRadar = false;
        for (var i = 0; i < sensors.Length; i++)
        {
            ref readonly var f = ref sensors[i];
            if (f.Kind != SensorKind.Lidar || !f.Live)
                continue;
            var so = options.Sensors[f.Sensor];
            anyLidar = true;
            valid = Math.Min(valid, Finite(f.ValidRatio));
            lidarAge = Math.Max(lidarAge, Finite(f.AgeS));
            if (float.IsFinite(f.NearestM) && (nearest < 0 || f.NearestM < sensors[nearest].NearestM))
                nearest = i;
            if (float.IsFinite(f.NearClusterRangeM) && (nearCluster < 0 || f.NearClusterRangeM < sensors[nearCluster].NearClusterRangeM))
                nearCluster = i;
            if (float.IsFinite(f.FarClusterRangeM) && (farCluster < 0 || f.FarClusterRangeM < sensors[farCluster].FarClusterRangeM))
                farCluster = i;
            if (float.IsFinite(f.StrengthMedian) && so.MinStrength > 0)
            {
                var m = (float)Math.Log(Math.Max(f.StrengthMedian, 1e-3) / so.MinStrength);
                margin = float.IsNaN(margin) ? m : Math.Min(margin, m);
            }
            if (so.BaselineStrength <= 0)
                continue;
            commissioned = true;
            if (
                float.IsFinite(f.ClusterStrength)
                && float.IsFinite(f.ClusterRangeM)
                && (
                    dominant < 0
                    || Atten(f.ClusterRangeM, f.ClusterStrength, so)
                        < Atten(
                            sensors[dominant].ClusterRangeM,
                            sensors[dominant].ClusterStrength,
                            options.Sensors[sensors[dominant].Sensor]
                        )
                )
            )
                dominant = i;
            if (!double.IsNaN(radarRange) && so.MinStrength > 0)
            {
                var s0 = Math.Min(Baseline(so, radarRange), so.MaxStrength);
                // beyond the LiDAR's reach it would not see the target in clear air either: the lowest margin
                var m = SafetyFloor.Reaches(so, radarRange) ? (float)Math.Log(Math.Max(s0, 1e-3) / so.MinStrength) : BeyondReachMargin;
                var sees = Sees(f, radarRange, risk.ConfirmToleranceM);
                seesRadar |= sees;
                if (float.IsNaN(marginAtRadar) || m > marginAtRadar)
                    marginAtRadar = m;
                if (!sees && m > 0.4f)
                {
                    var bound = (float)(Koschmieder * 2 * radarRange / m);
                    visBound = float.IsNaN(visBound) ? bound : Math.Min(visBound, bound);
                }
            }
        }
        if (!anyLidar)
            return;
        x[0] = 1;
        x[1] = Clamp(valid, 0, 1);
        x[19] = Clamp(lidarAge / 2, 0, 2.5f);
        x[20] = commissioned ? 1 : 0;
        if (nearest >= 0)
        {
            ref readonly var f = ref sensors[nearest];
            x[2] = 1;
            x[3] = Clamp(f.NearestM / 100, 0, 2);
            x[4] = Clamp(Finite(f.MedianM) / 100, 0, 2);
            x[5] = Clamp(Finite(f.StdM) / 10, 0, 5);
        }
        if (!float.IsNaN(margin))
            x[13] = Clamp(margin / 5, -1, 3);
        if (nearCluster >= 0)
        {
            ref readonly var f = ref sensors[nearCluster];
            var so = options.Sensors[f.Sensor];
            x[6] = 1;
            x[7] = Clamp(f.NearClusterRangeM / 100, 0, 2);
            x[8] = Clamp(Finite(f.NearClusterPersistence), 0, 1);
            if (so.BaselineStrength > 0 && float.IsFinite(f.NearClusterStrength))
                x[9] = Clamp(Atten(f.NearClusterRangeM, f.NearClusterStrength, so) / 5, -3, 1);
            x[18] = IsReference(risk, f.NearClusterRangeM, 0) ? 1 : 0;
        }
        if (farCluster >= 0)
        {
            ref readonly var f = ref sensors[farCluster];
            var so = options.Sensors[f.Sensor];
            x[21] = Clamp(f.FarClusterRangeM / 100, 0, 2);
            x[22] = Clamp(Finite(f.FarClusterPersistence), 0, 1);
            if (so.BaselineStrength > 0 && float.IsFinite(f.FarClusterStrength))
                x[23] = Clamp(Atten(f.FarClusterRangeM, f.FarClusterStrength, so) / 5, -3, 1);
        }
        if (dominant >= 0)
        {
            ref readonly var f = ref sensors[dominant];
            var so = options.Sensors[f.Sensor];
            var a = Atten(f.ClusterRangeM, f.ClusterStrength, so);
            x[10] = Clamp(f.ClusterRangeM / 100, 0, 2);
            x[11] = Clamp(Finite(f.ClusterPersistence), 0, 1);
            x[12] = Clamp(a / 5, -3, 1);
            // σ = −ln(S/S0)/(2R); V = 3.912/σ (clear air, or a stronger return than the baseline: the maximum)
            var v = a < -1e-3 ? Koschmieder * 2 * f.ClusterRangeM / -a : MaxVisibilityM;
            x[16] = Clamp((float)Math.Log10(Math.Clamp(v, 1, MaxVisibilityM)) / 4, 0, 1.1f);
        }
        if (!float.IsNaN(marginAtRadar))
            x[14] = Clamp(marginAtRadar / 5, -2, 3);
        x[15] = seesRadar ? 1 : 0;
        if (!float.IsNaN(visBound))
            x[17] = Clamp((float)Math.Log10(Math.Clamp(visBound, 1, MaxVisibilityM)) / 4, 0, 1.1f);
    }

    // The camera: the lowest live visibility.
    private static void FillCamera(SensorFeatures[] sensors, Span<float> x)
    {
        float vis = float.NaN,
            age = 0;
        var any = false;
        foreach (ref readonly var f in sensors.AsSpan())
        {
            if (f.Kind != SensorKind.Camera || !f.Live)
                continue;
            any = true;
            age = Math.Max(age, Finite(f.AgeS));
            if (float.IsFinite(f.VisibilityM) && (float.IsNaN(vis) || f.VisibilityM < vis))
                vis = f.VisibilityM;
        }
        if (!any || float.IsNaN(vis))
            return; // a camera with no reading in the window cannot vouch for anything
        x[36] = 1;
        x[37] = Clamp((float)Math.Log10(Math.Clamp(vis, 1, MaxVisibilityM)) / 4, 0, 1.1f);
        x[38] = Clamp(age / 2, 0, 2.5f);
    }

    private static bool Nearer(float a, float b) => float.IsFinite(a) && (!float.IsFinite(b) || a < b);

    private static bool Sees(in SensorFeatures f, double rangeM, double toleranceM)
    {
        var tol = Math.Max(toleranceM, 0.05 * rangeM);
        return (float.IsFinite(f.ClusterRangeM) && Math.Abs(f.ClusterRangeM - rangeM) <= tol)
            || (float.IsFinite(f.NearClusterRangeM) && Math.Abs(f.NearClusterRangeM - rangeM) <= tol);
    }

    private static float Atten(float rangeM, float strength, SensorOptions so)
    {
        var s0 = Math.Min(Baseline(so, rangeM), so.MaxStrength);
        return (float)Math.Log(Math.Max(strength, 1e-3) / Math.Max(s0, 1e-3));
    }

    private static double Baseline(SensorOptions so, double rangeM) =>
        so.BaselineStrength * (so.BaselineRangeM / Math.Max(rangeM, 0.1)) * (so.BaselineRangeM / Math.Max(rangeM, 0.1));

    private static bool IsReference(RiskOptions risk, double rangeM, double closing) =>
        risk.ReferenceRangeM > 0
        && Math.Abs(rangeM - risk.ReferenceRangeM) <= risk.ConfirmToleranceM
        && Math.Abs(closing) < risk.MinClosingSpeedMps;

    private static float Finite(float v) => float.IsFinite(v) ? v : 0;

    private static float Clamp(float v, float lo, float hi) => float.IsFinite(v) ? Math.Clamp(v, lo, hi) : 0;
}
