namespace Kavach.Edge.Assessment;

/// <summary>Fog bands of the India Meteorological Department (docs/protocols.md §5).</summary>
public enum FogClass
{
    /// <summary>Visibility not known (no usable estimate).</summary>
    Unknown = -1,

    /// <summary>Above 1000 m (WMO: fog is below 1 km).</summary>
    Clear = 0,

    /// <summary>501–1000 m.</summary>
    Shallow = 1,

    /// <summary>201–500 m.</summary>
    Moderate = 2,

    /// <summary>51–200 m.</summary>
    Dense = 3,

    /// <summary>0–50 m.</summary>
    VeryDense = 4,
}

public static class FogClasses
{
    /// <summary>The IMD band of a visibility in metres.</summary>
    public static FogClass FromVisibility(double visibilityM) =>
        visibilityM switch
        {
            double.NaN => FogClass.Unknown,
            > 1000 => FogClass.Clear,
            > 500 => FogClass.Shallow,
            > 200 => FogClass.Moderate,
            > 50 => FogClass.Dense,
            _ => FogClass.VeryDense,
        };

    /// <summary>The upper visibility limit of a band, metres (Clear: +∞).</summary>
    public static double UpperLimitM(FogClass c) =>
        c switch
        {
            FogClass.Shallow => 1000,
            FogClass.Moderate => 500,
            FogClass.Dense => 200,
            FogClass.VeryDense => 50,
            _ => double.PositiveInfinity,
        };

    public static string Name(FogClass c) =>
        c switch
        {
            FogClass.Clear => "clear",
            FogClass.Shallow => "shallow",
            FogClass.Moderate => "moderate",
            FogClass.Dense => "dense",
            FogClass.VeryDense => "very-dense",
            _ => "unknown",
        };
}
