namespace Kavach.Edge.SelfTest;

/// <summary>Outcome of one self-test check. Any FAIL makes `selftest` exit 1.</summary>
public enum SelfTestStatus
{
    Pass,
    Fail,

    /// <summary>Not applicable here (not configured, simulated, held by the running service, not measurable on this board).</summary>
    Skip,
}
