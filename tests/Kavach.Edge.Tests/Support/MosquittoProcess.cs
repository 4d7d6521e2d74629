using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A real mosquitto (Debian package) on a free 127.0.0.1 port with persistence on, in a temporary
/// folder, with extra listener lines for TLS or authentication. Stopped with SIGTERM (so it saves its
/// persistence file) and restartable on the same port. A missing mosquitto FAILS the test with the
/// package to install (CI installs it: apt-get install -y mosquitto mosquitto-clients openssl).
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly string _conf;
    private Process? _process;

    private MosquittoProcess(TempDir dir, string conf, int port)
    {
        _dir = dir;
        _conf = conf;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The broker's folder (certificates and password files can go here).</summary>
    public string Folder => _dir.Path;

    public static string Executable
    {
        get
        {
            foreach (var p in new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" })
                if (File.Exists(p))
                    return p;
            throw new InvalidOperationException(
                "mosquitto is not installed: these tests need a real broker (apt-get install -y mosquitto mosquitto-clients openssl)"
            );
        }
    }

    /// <summary>Starts with <paramref name="listenerLines"/> after the listener line (e.g. cafile/certfile/keyfile,
    /// password_file).</summary>
    public static async Task<MosquittoProcess> StartAsync(
        IEnumerable<string>? listenerLines = null,
        bool allowAnonymous = true,
        TempDir? folder = null
    )
    {
        var exe = Executable;
        var dir = folder ?? Repo.NewTempDir();
        var port = FreePort();
        var conf = Path.Combine(dir.Path, "mosquitto.conf");
        var lines = new List<string> { $"listener {port} 127.0.0.1", $"allow_anonymous {(allowAnonymous ? "true" : "false")}" };
        if (listenerLines is not null)
            lines.AddRange(listenerLines);
        lines.AddRange([
            "persistence true",
            $"persistence_location {dir.Path}/",
            "autosave_interval 1",
            "user root",
            $"log_dest file {dir.Path}/mosquitto.log",
            "log_type all",
            "max_queued_messages 100000",
        ]);
        await File.WriteAllLinesAsync(conf, lines);
        var broker = new MosquittoProcess(dir, conf, port);
        await broker.LaunchAsync(exe);
        return broker;
    }

    private async Task LaunchAsync(string exe)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(_conf);
        _process = Process.Start(psi)!;
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException(
                    $"mosquitto exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {Log}"
                );
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (sw.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>The broker's log so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            var path = Path.Combine(_dir.Path, "mosquitto.log");
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

    /// <summary>SIGTERM and wait: mosquitto saves its persistence file on the way out.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
            return;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync(Executable);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _dir.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
