using System.Net;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Api;

/// <summary>
/// The local API and status page as one hosted component of the daemon: it builds and runs its own
/// Kestrel <see cref="WebApplication"/> (slim builder, endpoints compiled by the Request Delegate
/// Generator) over the daemon's singletons. It starts after the outputs and before the pipeline, and
/// stops before them. A failure to bind (the port taken) is logged and retried in the background: the
/// API is for the technician, and must never keep the alarm from running.
/// </summary>
public sealed class ApiServer(KavachOptions options, ApiEndpoints endpoints, AlertHub hub, ILoggerFactory loggers, ILogger<ApiServer> log)
    : IHostedService,
        IAsyncDisposable
{
    /// <summary>Largest request body accepted (the commands are a few dozen bytes).</summary>
    public const int MaxBodyBytes = 4096;

    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;
    private Task _retry = Task.CompletedTask;
    private bool _failureLogged;

    /// <summary>The addresses actually bound (ports resolved when the configuration said 0); empty until started.</summary>
    public IReadOnlyList<string> Urls { get; private set; } = [];

    /// <summary>Completes once the API listens (tests and the demo wait on it).</summary>
    public Task Started => _started.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var api = options.Api;
        if (!api.Enabled)
        {
            log.LogInformation("API: disabled (Api.Enabled false)");
            return;
        }
        if (api.Key is null && !api.LoopbackOnly) // configuration refuses this; kept as a last guard
            throw new InvalidOperationException("Api.KeyFile is required when the API binds beyond loopback");
        hub.Start();
        if (!await TryStartAsync(cancellationToken).ConfigureAwait(false))
            _retry = Task.Run(RetryAsync, CancellationToken.None);
    }

    private async Task RetryAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryAfter, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (await TryStartAsync(_stop.Token).ConfigureAwait(false))
                return;
        }
    }

    private async Task<bool> TryStartAsync(CancellationToken ct)
    {
        var app = Build();
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            if (!_failureLogged)
                log.LogError(
                    "API: cannot listen on {Urls}: {Message}. The daemon runs on without its API; retrying every {Retry} s",
                    options.Api.Urls,
                    e.Message,
                    RetryAfter.TotalSeconds
                );
            _failureLogged = true;
            await app.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        _app = app;
        Urls = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()
            ?.Addresses.ToArray()
            ?? [];
        log.LogInformation(
            "API: listening on {Urls} ({Auth}); status page at {Page}",
            string.Join(", ", Urls),
            options.Api.Key is null ? "loopback only, no key needed" : "API key required",
            Urls.Count > 0 ? Urls[0] + "/" : "-"
        );
        _started.TrySetResult();
        return true;
    }

    private WebApplication Build()
    {
        var api = options.Api;
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions
            {
                ApplicationName = AppInfo.Name,
                ContentRootPath = AppContext.BaseDirectory,
                EnvironmentName = Environments.Production,
            }
        );
        // The daemon's configuration is the only one: no appsettings.json, no ASPNETCORE_* variables.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning); // no line per request in the daemon's log
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJson.Default));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton<IHostLifetime, DaemonOwnedLifetime>(); // SIGTERM is the daemon host's to handle, not this app's
        if (api.ParsedUrls.Any(u => u.Scheme == "https"))
            builder.WebHost.UseKestrelHttpsConfiguration(); // the slim builder leaves HTTPS out
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.Limits.MaxConcurrentConnections = 128;
            k.Limits.MaxConcurrentUpgradedConnections = 64;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            foreach (var u in api.ParsedUrls)
                Listen(k, u, api);
        });
        var app = builder.Build();
        endpoints.Map(app);
        return app;
    }

    private static void Listen(KestrelServerOptions k, Uri u, ApiOptions api)
    {
        var host = u.Host.Trim('[', ']');
        var ip = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        k.Listen(ip, u.Port, lo =>
        {
            if (u.Scheme == "https")
                lo.UseHttps(api.Certificate!);
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        await _retry.ConfigureAwait(false);
        await hub.DisposeAsync().ConfigureAwait(false); // closes the WebSockets, so Kestrel need not wait for them
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
            await app.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>The web application neither watches signals nor prints start-up banners: the daemon host owns its lifetime.</summary>
    private sealed class DaemonOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Sends the web application's logs to the daemon's logging (Serilog), under their own categories.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose() { }
    }
}
