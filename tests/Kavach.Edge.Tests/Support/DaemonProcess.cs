using System.Diagnostics;
using System.Text;

namespace Kavach.Edge.Tests.Support;

/// <summary>The real kavach-edge executable (the built dll, run with dotnet) as a child process.</summary>
public sealed class DaemonProcess : IDisposable
{
    private readonly StringBuilder _out = new(), _err = new();

    private DaemonProcess(Process p) => Process = p;

    public Process Process { get; }
    public string Stdout { get { lock (_out) return _out.ToString(); } }
    public string Stderr { get { lock (_err) return _err.ToString(); } }

    public static DaemonProcess Start(string workingDir, params string[] args) => Start(workingDir, null, args);

    public static DaemonProcess Start(string workingDir, IDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Repo.DaemonDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("INVOCATION_ID"); // not under systemd
        psi.Environment["KAVACH_Api__Urls"] = "http://127.0.0.1:0"; // never the default port 8080 in tests (a test may override)
        if (environment is not null) foreach (var kv in environment) psi.Environment[kv.Key] = kv.Value;
        var p = new Process { StartInfo = psi };
        var d = new DaemonProcess(p);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (d._out) d._out.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (d._err) d._err.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return d;
    }

    /// <summary>Runs to completion (with a deadline) and returns the exit code.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(string workingDir, TimeSpan timeout, params string[] args) =>
        RunAsync(workingDir, timeout, null, args);

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string workingDir, TimeSpan timeout, IDictionary<string, string>? environment, params string[] args)
    {
        using var d = Start(workingDir, environment, args);
        var code = await d.WaitForExitAsync(timeout);
        return (code, d.Stdout, d.Stderr);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            Assert.Fail($"kavach-edge did not exit within {timeout.TotalSeconds:0.#} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        Process.WaitForExit(); // flush the redirected output
        return Process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (TERM, INT, KILL) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = System.Diagnostics.Process.Start("kill", $"-{name} {Process.Id}");
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
