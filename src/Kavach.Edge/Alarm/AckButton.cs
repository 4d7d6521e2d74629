using Kavach.Edge.Configuration;

namespace Kavach.Edge.Alarm;

/// <summary>
/// The acknowledge button: polled every <see cref="PollMs"/> (libgpiod edge events differ between 1.x and
/// 2.x and between boards; a 10 ms read is cheap and the same everywhere). A press counts once the
/// pressed level has held for <c>DebounceMs</c>; one press is one acknowledgement of the current
/// episode; the button must be released before it counts again. Held for <see cref="MaintenanceHoldMs"/>
/// while maintenance runs, it also renews the maintenance: the local action someone at the post takes to
/// go past the remote bounds (a remote command cannot).
/// </summary>
public sealed class AckButton(AlarmOptions options, AlarmOutputs outputs, AlarmControl control, TimeProvider time) : IDisposable
{
    public const int PollMs = 10;

    /// <summary>How long the button is held to renew a running maintenance (long enough not to happen by accident).</summary>
    public const int MaintenanceHoldMs = 3000;

    private readonly Lock _lock = new();
    private ITimer? _timer;
    private bool _pressed;
    private long _pressedSince;
    private bool _counted;
    private bool _held;

    /// <summary>Presses that counted.</summary>
    public int Presses { get; private set; }

    public void Start()
    {
        if (outputs.ButtonPin is null)
            return;
        lock (_lock)
            _timer ??= time.CreateTimer(_ => Poll(), null, TimeSpan.FromMilliseconds(PollMs), TimeSpan.FromMilliseconds(PollMs));
    }

    private void Poll()
    {
        bool fire = false,
            hold = false;
        lock (_lock)
        {
            if (_timer is null || outputs.ReadButton() is not { } pressed)
                return;
            var now = time.GetTimestamp();
            if (pressed != _pressed)
            {
                _pressed = pressed;
                _pressedSince = now;
                if (!pressed)
                    _counted = _held = false;
            }
            if (_pressed && !_counted && time.GetElapsedTime(_pressedSince, now).TotalMilliseconds >= options.AckButton.DebounceMs)
            {
                _counted = true;
                Presses++;
                fire = true;
            }
            if (_pressed && _counted && !_held && time.GetElapsedTime(_pressedSince, now).TotalMilliseconds >= MaintenanceHoldMs)
            {
                _held = true;
                hold = true;
            }
        }
        if (fire)
            control.Acknowledge(null, "button", CommandSource.Button);
        if (hold && control.InMaintenance)
            control.ExtendMaintenanceLocally();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }
}
