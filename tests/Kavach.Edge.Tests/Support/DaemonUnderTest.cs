using System.Net;
using System.Net.Sockets;
using System.Text;
using Kavach.Edge.Api;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Risk;
using Kavach.Edge.Sensors;
using Kavach.Edge.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// The real daemon host in-process (real loopback sockets, a real SQLite file in a temp folder, the
/// system clock), with helpers to connect as a sensor and wait for stored risk changes. Disposing it fails the test on
/// any error-level log or unobserved task exception the test did not name with <c>Log.Expect</c>.
/// </summary>
public sealed class DaemonUnderTest : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly List<RiskState> _committed = [];

    private DaemonUnderTest(TempDir dir, KavachOptions options, IHost host, LogCapture log)
    {
        _dir = dir;
        Options = options;
        Host = host;
        Log = log;
        Inputs = host.Services.GetRequiredService<SensorInputService>();
        Storage = host.Services.GetRequiredService<StorageService>();
        Broadcaster = host.Services.GetRequiredService<RiskBroadcaster>();
        Api = host.Services.GetRequiredService<ApiServer>();
        Storage.Committed += (s, _) =>
        {
            lock (_committed)
                _committed.Add(s);
        };
    }

    public KavachOptions Options { get; }
    public IHost Host { get; }
    public LogCapture Log { get; }
    public SensorInputService Inputs { get; }
    public StorageService Storage { get; }
    public RiskBroadcaster Broadcaster { get; }
    public string DatabasePath => Options.Storage.Path;
    public ApiServer Api { get; }

    /// <summary>The API's first bound address ("http://127.0.0.1:PORT", no trailing slash).</summary>
    public string ApiUrl => Api.Urls.Count > 0 ? Api.Urls[0] : throw new InvalidOperationException("the API is not listening");

    /// <summary>An HttpClient on the API (the caller disposes it).</summary>
    public HttpClient NewHttpClient(string? apiKey = null)
    {
        var c = new HttpClient { BaseAddress = new Uri(ApiUrl), Timeout = TimeSpan.FromSeconds(10) };
        if (apiKey is not null)
            c.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return c;
    }

    public IReadOnlyList<RiskState> Committed
    {
        get
        {
            lock (_committed)
                return [.. _committed];
        }
    }

    public RiskLevel? Level => Broadcaster.Latest?.Level;

    /// <param name="extra">Registrations after the daemon's own (the last registration of a service wins): a fake clock for one component,
    /// say.</param>
    public static async Task<DaemonUnderTest> StartAsync(
        string json = TestConfig.Minimal,
        Dictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? extra = null
    )
    {
        var dir = Repo.NewTempDir();
        var o = new Dictionary<string, string?> { ["Storage:Path"] = dir.File("kavach.db"), ["Api:Urls"] = "http://127.0.0.1:0" };
        if (overrides is not null)
            foreach (var kv in overrides)
                o[kv.Key] = kv.Value;
        var options = TestConfig.Valid(json, o);
        var log = new LogCapture();
        var host = DaemonHost.Build(options, log.Logger, TimeProvider.System, extra);
        await host.StartAsync();
        return new DaemonUnderTest(dir, options, host, log);
    }

    public IPEndPoint EndpointOf(string sensor) => Inputs.BoundEndpoints[sensor];

    public SensorState Sensor(string name) => Inputs.Sensors.First(s => s.Name == name);

    /// <summary>Connects to a sensor's listening port as that sensor would.</summary>
    public async Task<SensorClient> ConnectAsync(string sensor)
    {
        var c = new TcpClient();
        await c.ConnectAsync(EndpointOf(sensor));
        c.NoDelay = true;
        return new SensorClient(c);
    }

    public Task WaitForLevelAsync(RiskLevel level, TimeSpan timeout) =>
        Wait.UntilAsync(
            () => Committed.Any(s => s.Level == level),
            timeout,
            $"a stored {level} event (levels so far: {string.Join(", ", Committed.Select(c => c.Level))})"
        );

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Host.StopAsync(cts.Token);
        Host.Dispose();
        await Log.Logger.DisposeAsync();
        _dir.Dispose();
        Log.AssertNoErrors();
    }
}

/// <summary>A sensor connected over TCP, writing lines or bytes.</summary>
public sealed class SensorClient(TcpClient client) : IDisposable
{
    public NetworkStream Stream { get; } = client.GetStream();

    public Task SendAsync(string text) => Stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

    public Task SendAsync(byte[] bytes) => Stream.WriteAsync(bytes).AsTask();

    public void Dispose() => client.Dispose();
}
