using System.ComponentModel;
using System.Diagnostics;

namespace Kavach.Edge.SelfTest;

/// <summary>Runs a board tool (systemctl, timedatectl, vcgencmd) with a time limit; null when it is not installed or hangs.</summary>
public static class ExternalTool
{
    public sealed record Result(int ExitCode, string Output);

    public static async Task<Result?> RunAsync(string file, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        Process? p;
        try
        {
            p = Process.Start(psi);
        }
        catch (Win32Exception)
        {
            return null; // not installed
        }
        if (p is null)
            return null;
        using (p)
        {
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                await p.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    p.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException) { }
                return null;
            }
            await stderr.ConfigureAwait(false);
            return new Result(p.ExitCode, await stdout.ConfigureAwait(false));
        }
    }
}
