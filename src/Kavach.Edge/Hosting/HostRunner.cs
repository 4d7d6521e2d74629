using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kavach.Edge.Hosting;

/// <summary>
/// The one shutdown path of every verb that runs the daemon (<c>run</c> and <c>demo</c>): the host's lifetime.
/// SIGTERM, SIGINT and SIGQUIT reach the host's console lifetime (systemd's under systemd), which calls
/// <see cref="IHostApplicationLifetime.StopApplication"/>; a verb's own work (the demo's scenario) watches
/// <see cref="IHostApplicationLifetime.ApplicationStopping"/> and, when it ends by itself, asks for the same stop.
/// Either way the host stops once, in reverse order, within <see cref="DaemonHost.ShutdownTimeout"/>.
/// </summary>
public static class HostRunner
{
    /// <summary>
    /// Starts <paramref name="host"/>, then runs <paramref name="work"/> (given the services and the stopping token)
    /// until it ends or the host is told to stop; without work, until the host is told to stop. Returns once the
    /// host has stopped. Start-up failures throw, before any work runs; a stop asked for during start-up skips the work.
    /// </summary>
    public static async Task RunAsync(IHost host, Func<IServiceProvider, CancellationToken, Task>? work = null)
    {
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // a signal during start-up: a stop like any other, not a failure
            await host.StopAsync().ConfigureAwait(false);
            return;
        }
        try
        {
            if (work is not null)
                await work(host.Services, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // stopped by a signal while the work ran: the normal way out
        }
        finally
        {
            if (work is not null)
                lifetime.StopApplication(); // the work ended: the same stop as a signal's
            await host.WaitForShutdownAsync().ConfigureAwait(false);
        }
    }
}
