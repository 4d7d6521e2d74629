using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;

namespace Kavach.Edge.SelfTest;

/// <summary>
/// `kavach-edge selftest [--config PATH]`: what a technician runs at install, on the configuration the
/// service reads. Prints a PASS/FAIL/SKIP table; exit 0 when nothing failed, 1 on any FAIL, 2 when the
/// configuration is refused. Checks run one after another, each within <see cref="CheckTimeout"/>.
/// </summary>
public static class SelfTestCommand
{
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string? configPath, TextWriter? output = null, IReadOnlyList<ISelfTestCheck>? checks = null)
    {
        var o = output ?? Console.Out;
        var path = KavachOptions.ResolvePath(configPath);
        var env = Environment
            .GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        o.WriteLine($"{AppInfo.Name} {AppInfo.Version} selftest: config {Path.GetFullPath(path)}");
        var options = KavachOptions.Load(path, env, out var errors);
        var rows = new List<SelfTestResult>();
        if (options is null)
        {
            rows.Add(SelfTestResult.Fail("config", $"refused ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}, listed below)"));
            Print(o, rows);
            foreach (var e in errors)
                o.WriteLine("  " + e);
            return Program.ExitUsage;
        }
        rows.Add(
            SelfTestResult.Pass(
                "config",
                $"valid: device {options.Device.Id}, {options.Sensors.Count} sensor(s), hash {options.ConfigHash}"
            )
        );

        using var cts = new CancellationTokenSource();
        var context = new SelfTestContext(
            options,
            await ServiceStatus.DetectAsync(options, cts.Token).ConfigureAwait(false),
            TimeProvider.System
        );
        foreach (var check in checks ?? SelfTestChecks.For(options))
            rows.Add(await RunOneAsync(check, context, cts.Token).ConfigureAwait(false));

        Print(o, rows);
        if (Environment.IsPrivilegedProcess)
            o.WriteLine(
                "Note: running as root, so permissions are not the service's; run as the service user for that: sudo -u kavach /opt/kavach-edge/kavach-edge selftest"
            );
        return rows.Any(r => r.Status == SelfTestStatus.Fail) ? Program.ExitFatal : Program.ExitOk;
    }

    private static async Task<SelfTestResult> RunOneAsync(ISelfTestCheck check, SelfTestContext context, CancellationToken ct)
    {
        try
        {
            return await check.RunAsync(context, ct).WaitAsync(CheckTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return SelfTestResult.Fail(check.Name, $"did not finish within {CheckTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return SelfTestResult.Fail(check.Name, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static void Print(TextWriter o, List<SelfTestResult> rows)
    {
        var width = Math.Max("CHECK".Length, rows.Max(r => r.Check.Length));
        o.WriteLine();
        o.WriteLine($"{"CHECK".PadRight(width)}  RESULT  DETAIL");
        foreach (var r in rows)
            o.WriteLine($"{r.Check.PadRight(width)}  {Word(r.Status), -6}  {r.Detail}");
        o.WriteLine();
        int pass = rows.Count(r => r.Status == SelfTestStatus.Pass),
            fail = rows.Count(r => r.Status == SelfTestStatus.Fail),
            skip = rows.Count(r => r.Status == SelfTestStatus.Skip);
        o.WriteLine($"selftest: {pass} PASS, {fail} FAIL, {skip} SKIP{(fail > 0 ? " — FAILED" : " — OK")}");
    }

    public static string Word(SelfTestStatus s) =>
        s switch
        {
            SelfTestStatus.Pass => "PASS",
            SelfTestStatus.Fail => "FAIL",
            _ => "SKIP",
        };
}
