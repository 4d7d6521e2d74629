namespace Kavach.Edge.Tests.Assessment;

/// <summary>The fog physics the tests build their cases from (docs/protocols.md §5), written out independently of the floor.</summary>
public static class Physics
{
    /// <summary>Koschmieder: σ = ln(50) / V.</summary>
    public static double Sigma(double visibilityM) => Math.Log(50) / visibilityM;

    /// <summary>LiDAR return of a typical target: B·(Rb/R)²·exp(−2σR).</summary>
    public static float Strength(double rangeM, double visibilityM, double baseline = 2000, double baselineRangeM = 60) =>
        (float)(baseline * Math.Pow(baselineRangeM / rangeM, 2) * Math.Exp(-2 * Sigma(visibilityM) * rangeM));
}
