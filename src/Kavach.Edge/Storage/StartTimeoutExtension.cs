using Microsoft.Extensions.Hosting.Systemd;

namespace Kavach.Edge.Storage;

/// <summary>
/// While a long start-up step runs (the integrity check of a full-size database on a cold SD card can take longer
/// than the unit's TimeoutStartSec=90s: docs/benchmarks/storage.md), tells systemd it is still starting with
/// EXTEND_TIMEOUT_USEC, so a healthy unit is not killed and restarted into the same check for ever. Each message
/// grants <see cref="Grant"/> from now and is repeated every <see cref="Period"/>; when the step ends the messages
/// stop, and the unit's own timeout applies again. Outside systemd (no NOTIFY_SOCKET) it does nothing.
/// </summary>
public sealed class StartTimeoutExtension : IDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan Grant = TimeSpan.FromSeconds(60);

    private readonly ITimer? _timer;

    private StartTimeoutExtension(ISystemdNotifier notifier, TimeProvider time)
    {
        if (!notifier.IsEnabled)
            return;
        var message = new ServiceState($"EXTEND_TIMEOUT_USEC={(long)Grant.TotalMicroseconds}");
        _timer = time.CreateTimer(_ => notifier.Notify(message), null, TimeSpan.Zero, Period);
    }

    /// <summary>Starts extending; dispose when the step is over.</summary>
    public static StartTimeoutExtension Begin(ISystemdNotifier? notifier = null, TimeProvider? time = null) =>
        new(notifier ?? new SystemdNotifier(), time ?? TimeProvider.System);

    public void Dispose() => _timer?.Dispose();
}
