namespace Kavach.Edge.Assessment;

/// <summary>
/// Risk levels in severity order HIGH &gt; FAULT &gt; MEDIUM &gt; LOW: a hazard positively seen outranks a
/// fault (and the event lists the active faults either way); a fault outranks fog. The numeric order
/// is the severity order, so <c>Max</c> combines levels.
/// </summary>
public enum RiskLevel
{
    /// <summary>System working, nothing detected. Never "proceed".</summary>
    Low = 0,

    /// <summary>Moderate fog or worse, or an obstacle approaching beyond the protected zone.</summary>
    Medium = 1,

    /// <summary>The unit cannot vouch for the track (a required sensor stale, a stage failing, starting).</summary>
    Fault = 2,

    /// <summary>An obstacle in the protected zone, or about to be.</summary>
    High = 3,
}

/// <summary>Names of levels as logs, SQLite and JSON show them.</summary>
public static class RiskLevels
{
    public static string Name(RiskLevel level) =>
        level switch
        {
            RiskLevel.Low => "LOW",
            RiskLevel.Medium => "MEDIUM",
            RiskLevel.Fault => "FAULT",
            _ => "HIGH",
        };

    public static RiskLevel Max(RiskLevel a, RiskLevel b) => a >= b ? a : b;
}
