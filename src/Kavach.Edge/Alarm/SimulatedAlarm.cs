using Kavach.Edge.Risk;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Alarm;

/// <summary>
/// The <c>simulated</c> alarm driver: no hardware, the outputs' state is kept in memory for the demo's
/// console and the API, and logged on change. Reacts to the broadcaster's latest state directly (the
/// shortest path in the program: no queue).
/// </summary>
public sealed class SimulatedAlarm(RiskBroadcaster broadcaster, TimeProvider time, ILogger<SimulatedAlarm> log) : IHostedService
{
    private volatile OutputState _outputs = new("off", "off", "off", "off");

    /// <summary>What the outputs show now.</summary>
    public OutputState Outputs
    {
        get
        {
            if (broadcaster.Latest is { } s) Update(s);
            return _outputs;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        broadcaster.Changed += Update;
        return Task.CompletedTask;
    }

    private void Update(RiskState state)
    {
        var next = OutputState.For(state, time.GetTimestamp());
        if (next == _outputs) return;
        _outputs = next;
        log.LogInformation("Outputs (simulated): {Outputs}", next);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        broadcaster.Changed -= Update;
        _outputs = new OutputState("off", "off", "off", "off");
        log.LogInformation("Outputs (simulated): all off (daemon stopped)");
        return Task.CompletedTask;
    }
}
