namespace Kavach.Edge.SelfTest;

/// <summary>
/// One check of `kavach-edge selftest`. A check does one thing, never throws for an expected failure
/// (it returns FAIL with the reason), and must not leave anything behind (no created files, no held
/// ports). The runner applies a time limit and turns an unexpected exception into a FAIL row. Checks are
/// listed explicitly in <see cref="SelfTestChecks.For"/>: add a new one there.
/// </summary>
public interface ISelfTestCheck
{
    /// <summary>The name in the table ("database", "sensor lidar", ...).</summary>
    string Name { get; }

    Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken);
}
