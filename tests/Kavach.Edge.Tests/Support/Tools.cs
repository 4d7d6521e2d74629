using System.Diagnostics;

namespace Kavach.Edge.Tests.Support;

/// <summary>External programs the tests drive. CI installs them (apt: socat mosquitto): a missing one fails the test with a clear
/// message.</summary>
public static class Tools
{
    public static string Require(string name, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin", "/sbin"]))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
                return path;
        }
        Assert.Fail($"'{name}' not found on PATH: install it (apt-get install -y {package}); these tests need the real program");
        return "";
    }

    /// <summary>Starts a program with its output captured (and drained, so it never blocks on a full pipe).</summary>
    public static Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        p.ErrorDataReceived += (_, _) => { };
        p.OutputDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        return p;
    }

    /// <summary>Kills a process (and its children) and waits for it to exit (bounded).</summary>
    public static void Kill(Process? p)
    {
        if (p is null)
            return;
        try
        {
            if (!p.HasExited)
                p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        p.Dispose();
    }
}
