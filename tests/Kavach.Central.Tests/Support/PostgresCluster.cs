using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Kavach.Edge.Tests.Support;
using Npgsql;

namespace Kavach.Central.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster (Debian's postgresql package): <c>initdb</c> into a temporary folder, the
/// server on a free 127.0.0.1 port with its unix socket in the same folder, trust authentication for the user
/// <c>kavach</c>, removed by <see cref="DisposeAsync"/>. initdb refuses root, so as root every server program runs
/// as the <c>postgres</c> user (the package creates it; <c>nobody</c> otherwise) through <c>runuser</c> and the
/// folder is given to that user. Stoppable and restartable on the same port (a central must survive it).
/// A missing PostgreSQL FAILS the test with the package to install (tests/run.sh installs it as root).
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    public const string User = "kavach";

    private readonly TempDir _dir;
    private readonly string _bin;
    private readonly string? _runAs;
    private int _databases;

    private PostgresCluster(TempDir dir, string bin, string? runAs, int port)
    {
        _dir = dir;
        _bin = bin;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    private string DataDir => Path.Combine(_dir.Path, "data");

    /// <summary>Connection string to the <c>postgres</c> maintenance database.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true;Timeout=10;Command Timeout=30";

    /// <summary>The server's log so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            var path = Path.Combine(_dir.Path, "postgres.log");
            try
            {
                return File.Exists(path) ? File.ReadAllText(path) : "";
            }
            catch (IOException)
            {
                return "";
            }
        }
    }

    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBin();
        var dir = Repo.NewTempDir();
        string? runAs = null;
        if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || IsRoot())
        {
            runAs = UserExists("postgres") ? "postgres" : "nobody";
            await RunAsync("chown", [runAs, dir.Path]);
        }
        var cluster = new PostgresCluster(dir, bin, runAs, FreePort());
        // --no-sync: the cluster is thrown away; the server itself runs with PostgreSQL's durable defaults
        await cluster.ServerToolAsync("initdb", "-D", cluster.DataDir, "-A", "trust", "-U", User, "-E", "UTF8", "--no-sync");
        await cluster.StartServerAsync();
        return cluster;
    }

    /// <summary>Starts the server (after <see cref="StopAsync"/>); returns when it accepts connections.</summary>
    public Task StartServerAsync() =>
        ServerToolAsync(
            "pg_ctl",
            "-D",
            DataDir,
            "-l",
            Path.Combine(_dir.Path, "postgres.log"),
            "-w",
            "-t",
            "60",
            "-o",
            $"-p {Port} -k {_dir.Path} -c listen_addresses=127.0.0.1",
            "start"
        );

    /// <summary>Starts the server if a test left it stopped.</summary>
    public async Task EnsureRunningAsync()
    {
        if (!File.Exists(Path.Combine(DataDir, "postmaster.pid")))
            await StartServerAsync();
    }

    /// <summary>Fast shutdown: open sessions are ended, the data is kept.</summary>
    public async Task StopAsync()
    {
        if (!File.Exists(Path.Combine(DataDir, "postmaster.pid")))
            return;
        NpgsqlConnection.ClearAllPools();
        await ServerToolAsync("pg_ctl", "-D", DataDir, "-m", "fast", "-w", "-t", "60", "stop");
    }

    /// <summary>A fresh, empty database of its own for one test; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..20];
        await using var c = new NpgsqlConnection(AdminConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException) { }
        _dir.Dispose();
    }

    private async Task ServerToolAsync(string tool, params string[] args)
    {
        var exe = Path.Combine(_bin, tool);
        if (_runAs is null)
            await RunAsync(exe, args);
        else
            await RunAsync("runuser", ["-u", _runAs, "--", exe, .. args]);
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {p.ExitCode}: {await stderr} {await stdout}"
            );
    }

    private static string FindBin()
    {
        const string root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory
                .GetDirectories(root)
                .Select(d =>
                    (
                        Dir: Path.Combine(d, "bin"),
                        Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0
                    )
                )
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        return bin
            ?? throw new InvalidOperationException(
                "PostgreSQL is not installed: these tests need a real server (apt-get install -y postgresql; tests/run.sh does it as root)"
            );
    }

    private static bool IsRoot() =>
        File.Exists("/proc/self/status")
        && File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal)) is { } uid
        && uid.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";

    private static bool UserExists(string name) =>
        File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
