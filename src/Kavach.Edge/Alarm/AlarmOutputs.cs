using System.Device.Gpio;
using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Alarm;

/// <summary>
/// The alarm's lines on one GPIO controller: opens them (refusing start-up with the line and the likely
/// fix when one cannot be opened), writes a line only when its logical state changes (inverting
/// active-low lines), and keeps <see cref="Snapshot"/> for the console and the API. A write that fails
/// raises the stage fault "alarm" as <c>crashed</c>, which stops the heartbeat, so the external watchdog
/// relay drops. Thread-safe; owns the controller and its driver (released by <see cref="Release"/>).
/// </summary>
public sealed class AlarmOutputs(StageFaults faults, ILogger<AlarmOutputs> log)
{
    /// <summary>Pin numbers given to unconfigured lines on the simulated chip, so every output shows.</summary>
    public const int SimulatedFirstPin = 1000;

    private readonly Lock _lock = new();
    private readonly int?[] _pins = new int?[5];
    private readonly bool[] _activeLow = new bool[5];
    private readonly bool[] _state = new bool[5];
    private int? _button;
    private bool _buttonActiveLow;
    private GpioController? _gpio;
    private string _pattern = "off";
    private volatile OutputState _snapshot = OutputState.Off;
    private long _writes;

    /// <summary>What the lines show now, and the pattern's name.</summary>
    public OutputState Snapshot => _snapshot;

    /// <summary>"simulated" or the libgpiod driver and chip in use.</summary>
    public string Description { get; private set; } = "not open";

    /// <summary>Line writes since start (each a change).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>True while the lines are open.</summary>
    public bool IsOpen => _gpio is not null;

    /// <summary>The offset of a line on the chip (null when not wired).</summary>
    public int? PinOf(AlarmLine line) => _pins[(int)line];

    /// <summary>The acknowledge button's offset (null when none).</summary>
    public int? ButtonPin => _button;

    /// <summary>
    /// Opens the configured lines on <paramref name="driver"/> (taking ownership), every output logically
    /// off. On the simulated chip unconfigured outputs get pins from <see cref="SimulatedFirstPin"/>.
    /// Throws <see cref="ConfigurationRefusedException"/> naming the chip, the line and the likely fix.
    /// </summary>
    public void Open(GpioDriver driver, string description, AlarmOptions options, bool simulated)
    {
        var gpio = new GpioController(driver);
        try
        {
            foreach (var line in AlarmLines.Outputs)
            {
                var o = options.Line(line);
                var pin = o.Line ?? (simulated ? SimulatedFirstPin + (int)line : null);
                if (pin is not { } p)
                    continue;
                _activeLow[(int)line] = o.ActiveLow;
                OpenLine(gpio, description, $"Alarm.{AlarmLines.Name(line)}", p, PinMode.Output, Physical(false, o.ActiveLow));
                _pins[(int)line] = p;
            }
            if (options.AckButton.Line is { } b)
            {
                var mode = options.AckButton.Pull switch
                {
                    LinePull.Up => PinMode.InputPullUp,
                    LinePull.Down => PinMode.InputPullDown,
                    _ => PinMode.Input,
                };
                if (!gpio.IsPinModeSupported(b, mode))
                    throw new ConfigurationRefusedException(
                        $"Alarm.AckButton.Pull: {description} cannot bias line {b} ({mode}); use \"Pull\": \"none\" with an external resistor (libgpiod 1.x before 1.5 has no bias)"
                    );
                OpenLine(gpio, description, "Alarm.AckButton", b, mode, null);
                _button = b;
                _buttonActiveLow = options.AckButton.ActiveLow;
            }
        }
        catch
        {
            gpio.Dispose();
            throw;
        }
        lock (_lock)
        {
            _gpio = gpio;
            Description = description;
            Array.Clear(_state);
            Publish();
        }
    }

    private static void OpenLine(GpioController gpio, string chip, string key, int pin, PinMode mode, PinValue? initial)
    {
        if (pin >= gpio.PinCount)
            throw new ConfigurationRefusedException(
                $"{key}.Line: line {pin} does not exist on {chip} ({gpio.PinCount} lines); check the chip (the 40-pin header's chip differs between a Pi 4, a Pi 5 and a Jetson) and the line offset (`gpioinfo` lists them)"
            );
        try
        {
            if (initial is { } v)
                gpio.OpenPin(pin, mode, v);
            else
                gpio.OpenPin(pin, mode);
        }
        catch (Exception e) when (e is not ConfigurationRefusedException)
        {
            var busy = e.Message.Contains("busy", StringComparison.OrdinalIgnoreCase);
            var denied = e is UnauthorizedAccessException || e.Message.Contains("permission", StringComparison.OrdinalIgnoreCase);
            var fix =
                busy ? "another program or a device-tree overlay holds it (`gpioinfo` shows the consumer); free it or choose another line"
                : denied ? "the daemon's user may not use the chip: add it to group gpio (or give the unit SupplementaryGroups=gpio)"
                : "check the line is free (`gpioinfo`), the user is in group gpio, and the chip is the header's (Pi 5: pinctrl-rp1)";
            throw new ConfigurationRefusedException(
                $"{key}.Line: cannot open line {pin} on {chip} as {mode}: {e.Message}. Likely fix: {fix}",
                e
            )
            {
                Transient = busy || denied,
            };
        }
    }

    /// <summary>Sets a line's logical state; writes the pin only when it changes. False when nothing was written.</summary>
    public bool Set(AlarmLine line, bool on)
    {
        lock (_lock)
        {
            var i = (int)line;
            if (_state[i] == on)
                return false;
            _state[i] = on;
            if (_gpio is { } gpio && _pins[i] is { } pin)
            {
                try
                {
                    gpio.Write(pin, Physical(on, _activeLow[i]));
                    Interlocked.Increment(ref _writes);
                }
                catch (Exception e)
                {
                    // the heartbeat stops on a crashed stage: the external watchdog takes over
                    if (faults.Raise("alarm", $"cannot write {AlarmLines.Name(line)} (line {pin}): {e.Message}", FaultKind.Crashed))
                        log.LogError(e, "Alarm line {Line} ({Pin}) cannot be written: the heartbeat stops", AlarmLines.Name(line), pin);
                }
            }
            Publish();
            return true;
        }
    }

    /// <summary>Names the pattern shown (for the snapshot).</summary>
    public void SetPattern(string name)
    {
        lock (_lock)
        {
            if (_pattern == name)
                return;
            _pattern = name;
            Publish();
        }
    }

    /// <summary>The button's logical state (true = pressed), null when there is none or it cannot be read.</summary>
    public bool? ReadButton()
    {
        var gpio = _gpio;
        if (gpio is null || _button is not { } pin)
            return null;
        try
        {
            return (gpio.Read(pin) == PinValue.High) != _buttonActiveLow;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Closes the lines and the controller (after the caller drove them to their final state).</summary>
    public void Release()
    {
        GpioController? gpio;
        lock (_lock)
        {
            gpio = _gpio;
            _gpio = null;
        }
        try
        {
            gpio?.Dispose();
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Releasing the alarm lines failed");
        }
    }

    private void Publish() => _snapshot = new OutputState(_pattern, _state[0], _state[1], _state[2], _state[3], _state[4]);

    private static PinValue Physical(bool on, bool activeLow) => on != activeLow ? PinValue.High : PinValue.Low;
}
