using Kavach.Edge.Commissioning;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The commissioning record the service will load: PASS with its hash and any coverage gap; FAIL when it cannot
/// be read or was made for another sensor set (the service would refuse to start); SKIP when there is none (the
/// unit runs on the configuration's values and shows "not commissioned" as a degradation).
/// </summary>
public sealed class CommissioningCheck : ISelfTestCheck
{
    public string Name => "commissioning";

    public Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        if (options.Device.Mode == DeviceMode.Locomotive)
            return Task.FromResult(SelfTestResult.Skip(Name, "locomotive mode: a cab has no fixed scene to commission"));
        CommissioningState state;
        try
        {
            state = CommissioningState.Load(options);
        }
        catch (ConfigurationRefusedException e)
        {
            return Task.FromResult(SelfTestResult.Fail(Name, e.Message));
        }
        if (!state.Commissioned)
            return Task.FromResult(SelfTestResult.Skip(Name, CommissioningState.NotCommissioned(state.RecordPath)));
        var gaps = state.CurrentCoverage(options).Where(c => !c.Coverage.Covered).Select(c => c.Coverage.Detail).ToList();
        return Task.FromResult(
            SelfTestResult.Pass(
                Name,
                $"{state.RecordPath}: {state.Summary}"
                    + (
                        gaps.Count == 0
                            ? "; every ranging sensor covers the zone"
                            : "; coverage gap (a degradation): " + string.Join("; ", gaps)
                    )
            )
        );
    }
}
