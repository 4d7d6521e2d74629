using System.Diagnostics;
using System.Text;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A built entry assembly of this repository (kavach-edge, kavach-sim) run with <c>dotnet</c> as a child process,
/// its output captured. <see cref="Dispose"/> kills it (and its children) if it still runs.
/// </summary>
public abstract class DotnetProcess : IDisposable
{
    private readonly StringBuilder _out = new(),
        _err = new();
    private readonly string _name;

    protected DotnetProcess(string name, string dll, IEnumerable<string> args, Action<ProcessStartInfo>? configure = null)
    {
        _name = name;
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        configure?.Invoke(psi);
        Process = new Process { StartInfo = psi };
        Process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (_out)
                    _out.AppendLine(e.Data);
        };
        Process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (_err)
                    _err.AppendLine(e.Data);
        };
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }
    public string Stdout
    {
        get
        {
            lock (_out)
                return _out.ToString();
        }
    }
    public string Stderr
    {
        get
        {
            lock (_err)
                return _err.ToString();
        }
    }

    /// <summary>Both streams, for failure messages.</summary>
    public string Output => $"stdout:\n{Stdout}\nstderr:\n{Stderr}";

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
            Assert.Fail($"{_name} did not exit within {timeout.TotalSeconds:0.#} s\n{Output}");
        }
        Process.WaitForExit(); // flush the redirected output
        return Process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (TERM, INT, KILL) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", $"-{name} {Process.Id}");
        kill.WaitForExit();
    }

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
        catch (InvalidOperationException)
        { /* never started or already gone */
        }
        Process.Dispose();
        GC.SuppressFinalize(this);
    }
}
