using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A real mosquitto broker on a free loopback port, for tests (apt package mosquitto; a missing binary fails the
/// test). Config: <c>listener PORT 127.0.0.1</c>, anonymous, persistence in a temp folder, <c>user root</c> (as root,
/// mosquitto would otherwise drop to the mosquitto user and fail to write the folder; PLATFORM.md).
/// <code>await using var broker = await MosquittoBroker.StartAsync(); ... broker.Port ... await broker.RestartAsync();</code>
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private readonly TempDir _dir = Repo.NewTempDir();
    private readonly string _mosquitto;
    private Process? _process;

    private MosquittoBroker(string mosquitto, int port)
    {
        _mosquitto = mosquitto;
        Port = port;
        Directory.CreateDirectory(_dir.File("data"));
        File.WriteAllText(ConfigPath, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence true
            persistence_location {_dir.File("data")}/
            user root
            log_dest stderr
            """);
    }

    /// <summary>The loopback port it listens on (the same across restarts).</summary>
    public int Port { get; }

    public string ConfigPath => _dir.File("mosquitto.conf");

    /// <summary>Starts a broker on a free port and waits until it accepts connections.</summary>
    public static async Task<MosquittoBroker> StartAsync()
    {
        var broker = new MosquittoBroker(Tools.Require("mosquitto", "mosquitto"), FreePort());
        await broker.RunAsync();
        return broker;
    }

    /// <summary>Stops the broker (kill; the port refuses connections afterwards).</summary>
    public Task StopAsync()
    {
        Tools.Kill(_process);
        _process = null;
        return Task.CompletedTask;
    }

    /// <summary>Stops it and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await RunAsync();
    }

    private async Task RunAsync()
    {
        _process = Tools.Start(_mosquitto, "-c", ConfigPath);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (_process.HasExited) Assert.Fail($"mosquitto exited with code {_process.ExitCode} (config {ConfigPath})");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _dir.Dispose();
    }
}
