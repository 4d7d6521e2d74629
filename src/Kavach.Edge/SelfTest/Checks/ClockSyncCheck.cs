namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The wall clock is synchronised (every stored event carries UTC time): `timedatectl show -p
/// NTPSynchronized --value`, else systemd-timesyncd's /run/systemd/timesync/synchronized. SKIP when
/// neither can answer (no systemd, e.g. a container).
/// </summary>
public sealed class ClockSyncCheck(string timesyncFlag = "/run/systemd/timesync/synchronized") : ISelfTestCheck
{
    public string Name => "clock";

    public async Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var r = await ExternalTool
            .RunAsync("timedatectl", ["show", "-p", "NTPSynchronized", "--value"], TimeSpan.FromSeconds(3), cancellationToken)
            .ConfigureAwait(false);
        var answer = r is { ExitCode: 0 } ? r.Output.Trim() : null;
        if (answer == "yes")
            return SelfTestResult.Pass(Name, $"synchronised (timedatectl), now {now}");
        if (File.Exists(timesyncFlag))
            return SelfTestResult.Pass(Name, $"synchronised ({timesyncFlag}), now {now}");
        if (answer == "no")
            return SelfTestResult.Fail(
                Name,
                $"not synchronised (timedatectl NTPSynchronized=no), now {now}: event times may be wrong; check NTP or the RTC"
            );
        return SelfTestResult.Skip(Name, $"cannot tell (no timedatectl answer, no {timesyncFlag}), now {now}");
    }
}
