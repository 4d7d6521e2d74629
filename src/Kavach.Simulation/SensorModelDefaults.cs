namespace Kavach.Simulation;

/// <summary>
/// The physics constants of one sensor variant; a scenario's per-sensor keys override the tunable ones.
/// Ranges, thresholds and strength scales follow docs/protocols.md §1–§4; the K values and noise figures are
/// simulator choices (documented in docs/simulator.md), not datasheet figures.
/// </summary>
/// <param name="MinRangeM">Closest measurable range, metres.</param>
/// <param name="MaxRangeM">Farthest measurable range, metres.</param>
/// <param name="K">LiDAR: strength·m² of a ρ = 1 target; radar: SNR (dB) of a 0 dBsm target at 100 m.</param>
/// <param name="Threshold">LiDAR: weakest valid strength; radar: detection threshold, dB SNR.</param>
/// <param name="MaxStrength">LiDAR: largest strength the sensor reports (saturation).</param>
/// <param name="Noise">LiDAR: log-normal σ of the strength; radar: SNR noise, dB; camera: log-normal σ of visibility.</param>
/// <param name="RangeNoiseM">Range noise, 1σ metres.</param>
/// <param name="VelocityNoiseMps">Radar radial velocity noise, 1σ m/s.</param>
public readonly record struct SensorModelDefaults(
    double MinRangeM,
    double MaxRangeM,
    double K,
    double Threshold,
    double MaxStrength,
    double Noise,
    double RangeNoiseM,
    double VelocityNoiseMps
)
{
    /// <summary>LiDAR: full beam divergence, degrees (used on a locomotive, where the beam meets objects beside the track).</summary>
    public double BeamDeg { get; init; }

    /// <summary>Radar: full azimuth field of view, degrees (used on a locomotive).</summary>
    public double FovDeg { get; init; }

    /// <summary>The constants of <paramref name="variant"/> (resolve <see cref="SensorVariant.Default"/> first).</summary>
    public static SensorModelDefaults For(SensorVariant variant) =>
        variant switch
        {
            // K chosen so a ρ = 1 target in clear air reads ~2000 at 60 m (TF03), 4 m (TF-Luna), ~3000 at 6 m (TFmini),
            // 2000 at 20 m (TF02-Pro), intensity ~200 at 6 m (LD06).
            // Beam divergence: TF03 0.5°, TF02-Pro 3°, TF-Luna 2°, TFmini 2° (Benewake product pages; simulator defaults).
            SensorVariant.Tf03 => new(0.1, 100, 7.2e6, 40, 3500, 0.08, 0.05, 0) { BeamDeg = 0.5 },
            SensorVariant.Tf03Long => new(0.1, 180, 7.2e6, 40, 3500, 0.08, 0.05, 0) { BeamDeg = 0.5 },
            SensorVariant.TfLuna => new(0.2, 8, 32_000, 100, 65_534, 0.08, 0.02, 0) { BeamDeg = 2 },
            SensorVariant.TfminiS => new(0.1, 12, 108_000, 100, 65_534, 0.08, 0.03, 0) { BeamDeg = 2 },
            SensorVariant.TfminiPlus => new(0.1, 12, 108_000, 100, 65_534, 0.08, 0.03, 0) { BeamDeg = 3.6 },
            SensorVariant.Tf02Pro => new(0.1, 40, 800_000, 60, 65_534, 0.08, 0.05, 0) { BeamDeg = 3 },
            SensorVariant.Ld06 => new(0.02, 12, 7_200, 10, 255, 0.08, 0.01, 0),
            // Radar: SNR = K + RCS − 40·log10(R / 100 m) (the R⁴ law), detected above the threshold. Fields of view are
            // simulator choices (TI EVMs about ±60° in azimuth; OPS243 about ±39°), set fovDeg per installation.
            SensorVariant.Awr1843 => new(1, 250, 25, 8, 0, 1.0, 0.05, 0.1) { FovDeg = 120 },
            SensorVariant.Iwr6843 => new(0.5, 100, 12, 8, 0, 1.0, 0.05, 0.1) { FovDeg = 120 },
            SensorVariant.Ops243 => new(1, 60, 15, 8, 0, 1.0, 0.1, 0.05) { FovDeg = 78 },
            SensorVariant.CameraNormalised or SensorVariant.CameraMetres => new(0, 0, 0, 0, 0, 0.1, 0, 0),
            // GNSS: Noise = course noise (degrees), RangeNoiseM = horizontal position noise, VelocityNoiseMps = speed noise,
            // all 1σ, after the u-blox M8 data sheet's accuracy figures (0.3°, 2.5 m CEP, 0.05 m/s).
            SensorVariant.Ublox => new(0, 0, 0, 0, 0, 0.3, 2.0, 0.05),
            _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "resolve the default variant first"),
        };
}
