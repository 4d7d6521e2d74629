using Kavach.Edge.Demo;
using Kavach.Edge.Hosting;
using Kavach.Edge.Sensors;
using Kavach.Simulation;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// Plays a simulator scenario at real speed in its real wire formats over loopback TCP into a daemon configured for it
/// (<see cref="ScenarioConfig"/>), calling <paramref name="onStep"/> every 0.25 s of scenario time with the daemon's
/// services and the world's state (ground truth included). A scenario that drives a route gives the daemon the same route
/// file (its text written beside the database). <paramref name="onStarted"/> sees the services once the daemon runs,
/// before the first frame. Returns the hidden errors the daemon logged ("" if none).
/// </summary>
public static class ScenarioRun
{
    /// <summary>The xUnit collection of the classes that play several scenarios at once (they run one after another).</summary>
    public const string Collection = "scenario runs";

    public static async Task<string> PlayAsync(
        Scenario scenario,
        Action<IServiceProvider, WorldState> onStep,
        Action<IServiceProvider>? onStarted = null
    )
    {
        using var dir = Repo.NewTempDir();
        string? routeFile = null;
        if (scenario.Train?.Route is { } route)
            await File.WriteAllTextAsync(routeFile = dir.File("route.csv"), route.Text);
        var options = ScenarioConfig.Options(scenario, dir.File("kavach.db"), "", routeFile: routeFile);
        var log = new LogCapture();
        using var host = DaemonHost.Build(options, log.Logger, TimeProvider.System);
        await host.StartAsync();
        onStarted?.Invoke(host.Services);
        var inputs = (SensorInputService)host.Services.GetService(typeof(SensorInputService))!;
        var opts = new PlayerOptions { StepIntervalS = 0.25, OnStep = w => onStep(host.Services, w) };
        await new ScenarioPlayer().RunAsync(
            scenario,
            async (sensor, ct) =>
            {
                var c = new System.Net.Sockets.TcpClient { NoDelay = true };
                await c.ConnectAsync(inputs.BoundEndpoints[sensor], ct);
                return c.GetStream();
            },
            opts,
            TimeProvider.System,
            CancellationToken.None
        );
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await host.StopAsync(cts.Token);
        try
        {
            log.AssertNoErrors();
        }
        catch (Xunit.Sdk.XunitException e)
        {
            return e.Message;
        }
        return "";
    }
}
