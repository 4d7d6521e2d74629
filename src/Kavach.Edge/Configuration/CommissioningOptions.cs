namespace Kavach.Edge.Configuration;

/// <summary><c>Commissioning</c> section: where the commissioning record lives and how coverage is judged
/// (docs/commissioning.md).</summary>
public sealed class CommissioningOptions
{
    /// <summary>The record <c>kavach-edge commission</c> writes and the daemon loads at start.
    /// "" = <c>commissioning.json</c> in the state folder (the folder of <c>Storage.Path</c>).</summary>
    public string RecordPath { get; set; } = "";

    /// <summary>How much weaker than the reference target the smallest obstacle to protect against returns, dB
    /// (radar RCS and LiDAR reflectivity alike). A sensor's reach is the range at which such an obstacle would still
    /// clear its gate (radar MinSnrDb, LiDAR MinStrength). Default 5 dB: a car (10 dBsm) against a trackside reflector (15 dBsm).</summary>
    public double ObstacleBelowReferenceDb { get; set; } = 5;

    internal void Read(ConfigReader r)
    {
        RecordPath = r.String("RecordPath", RecordPath);
        ObstacleBelowReferenceDb = r.Double("ObstacleBelowReferenceDb", ObstacleBelowReferenceDb, 0, 60);
    }
}
