using System.Diagnostics;
using System.Text;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// The real <c>kavach-sim</c> executable (the built dll copied next to the tests by the project reference, run
/// with dotnet) as a child process with its output captured. <see cref="Dispose"/> kills it if it still runs.
/// </summary>
public sealed class SimProcess : IDisposable
{
    private readonly StringBuilder _out = new(), _err = new();

    private SimProcess(Process p) => Process = p;

    public Process Process { get; }
    public string Stdout { get { lock (_out) return _out.ToString(); } }
    public string Stderr { get { lock (_err) return _err.ToString(); } }

    /// <summary>The simulator's built entry assembly, next to the tests.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "kavach-sim.dll");

    public static SimProcess Start(params string[] args)
    {
        if (!File.Exists(Dll)) Assert.Fail($"{Dll} not found: Kavach.Edge.Tests must reference src/Kavach.Sim");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = new Process { StartInfo = psi };
        var s = new SimProcess(p);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (s._out) s._out.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (s._err) s._err.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return s;
    }

    /// <summary>Waits for the exit (killing it and failing the test after <paramref name="timeout"/>) and returns the exit code.</summary>
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
            Assert.Fail($"kavach-sim did not exit within {timeout.TotalSeconds:0.#} s\n{Output}");
        }
        Process.WaitForExit(); // flush the redirected output
        return Process.ExitCode;
    }

    /// <summary>Both streams, for failure messages.</summary>
    public string Output => $"stdout:\n{Stdout}\nstderr:\n{Stderr}";

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { /* never started or already gone */ }
        Process.Dispose();
    }
}
