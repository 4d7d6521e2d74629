using Kavach.Edge.Configuration;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The alarm outputs. This build has only the simulated driver (SKIP); the GPIO driver brings its own
/// check (chip found by label, lines requestable) and replaces this one in SelfTestChecks.
/// </summary>
public sealed class AlarmCheck : ISelfTestCheck
{
    public string Name => "alarm outputs";

    public Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken) =>
        Task.FromResult(context.Options.Alarm.Driver switch
        {
            AlarmDriver.Simulated => SelfTestResult.Skip(Name, "driver simulated: no GPIO to test"),
            _ => SelfTestResult.Fail(Name, "no self-test for this driver"),
        });
}
