namespace Kavach.Edge.SelfTest;

/// <summary>One row of the self-test table: what was checked, the outcome, and a detail a technician can act on.</summary>
public sealed record SelfTestResult(string Check, SelfTestStatus Status, string Detail)
{
    public static SelfTestResult Pass(string check, string detail) => new(check, SelfTestStatus.Pass, detail);

    public static SelfTestResult Fail(string check, string detail) => new(check, SelfTestStatus.Fail, detail);

    public static SelfTestResult Skip(string check, string detail) => new(check, SelfTestStatus.Skip, detail);
}
