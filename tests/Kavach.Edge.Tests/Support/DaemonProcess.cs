namespace Kavach.Edge.Tests.Support;

/// <summary>
/// The real kavach-edge executable as a child process: the built dll run with dotnet, or the published executable
/// named by TEST_KAVACH_DAEMON (<see cref="Repo.DaemonExecutable"/>, the native AOT build).
/// </summary>
public sealed class DaemonProcess : DotnetProcess
{
    /// <summary>How a shell script starts a background command (<c>kavach-edge … &amp;</c>): with SIGINT and SIGQUIT ignored.</summary>
    public static readonly string[] FromScript = ["sh", "-c", "trap '' INT QUIT; exec \"$@\"", "sh"];

    private DaemonProcess(string workingDir, IDictionary<string, string>? environment, string[] args, string[]? launcher = null)
        : base("kavach-edge", Repo.DaemonDll, args, psi =>
        {
            if (Repo.DaemonExecutable is { } exe)
            {
                psi.FileName = exe; // instead of `dotnet kavach-edge.dll`
                psi.ArgumentList.RemoveAt(0);
            }
            if (launcher is [var file, .. var rest])
            {
                // launcher… dotnet kavach-edge.dll args, or launcher… kavach-edge args (exec keeps the pid: signals reach the daemon
                // itself)
                var front = rest.Append(psi.FileName).ToArray();
                for (var i = 0; i < front.Length; i++)
                    psi.ArgumentList.Insert(i, front[i]);
                psi.FileName = file;
            }
            psi.WorkingDirectory = workingDir;
            psi.Environment.Remove("INVOCATION_ID"); // not under systemd
            psi.Environment["KAVACH_Api__Urls"] = "http://127.0.0.1:0"; // never the default port 8080 in tests (a test may override)
            if (environment is not null)
                foreach (var kv in environment)
                    psi.Environment[kv.Key] = kv.Value;
        }) { }

    public static DaemonProcess Start(string workingDir, params string[] args) => Start(workingDir, null, args);

    public static DaemonProcess Start(string workingDir, IDictionary<string, string>? environment, params string[] args) =>
        new(workingDir, environment, args);

    /// <summary>Starts it under <paramref name="launcher"/> (<see cref="FromScript"/>, <c>timeout 10</c>, …), which must exec it or wait
    /// for it.</summary>
    public static DaemonProcess StartUnder(string[] launcher, string workingDir, params string[] args) =>
        new(workingDir, null, args, launcher);

    /// <summary>Runs to completion (with a deadline) and returns the exit code.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(string workingDir, TimeSpan timeout, params string[] args) =>
        RunAsync(workingDir, timeout, null, args);

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(
        string workingDir,
        TimeSpan timeout,
        IDictionary<string, string>? environment,
        params string[] args
    )
    {
        using var d = Start(workingDir, environment, args);
        var code = await d.WaitForExitAsync(timeout);
        return (code, d.Stdout, d.Stderr);
    }
}
