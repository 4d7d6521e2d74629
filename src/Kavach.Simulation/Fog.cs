namespace Kavach.Simulation;

/// <summary>Fog optics used by the world (docs/protocols.md §5).</summary>
public static class Fog
{
    /// <summary>ln(50): Koschmieder's constant for a 2 % contrast threshold, V = 3.912 / σ.</summary>
    public const double KoschmiederConstant = 3.912;

    /// <summary>Visibility of 1 km: the WMO boundary of fog. Below it the LiDAR sees fog backscatter.</summary>
    public const double FogVisibilityM = 1000;

    /// <summary>Extinction coefficient σ (1/m) for a meteorological visibility in metres.</summary>
    public static double ExtinctionPerM(double visibilityM) => KoschmiederConstant / Math.Max(visibilityM, 0.1);

    /// <summary>Visibility in metres for an extinction coefficient σ (1/m).</summary>
    public static double VisibilityM(double extinctionPerM) => KoschmiederConstant / Math.Max(extinctionPerM, 1e-9);

    /// <summary>Two-way transmission exp(−2σR) of a LiDAR pulse to a target at <paramref name="rangeM"/> and back.</summary>
    public static double TwoWayTransmission(double extinctionPerM, double rangeM) => Math.Exp(-2 * extinctionPerM * rangeM);
}
