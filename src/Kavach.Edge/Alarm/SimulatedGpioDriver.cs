using System.Device.Gpio;

namespace Kavach.Edge.Alarm;

/// <summary>
/// A GPIO chip in memory: the <c>simulated</c> alarm driver (the demo, machines without GPIO). Outputs
/// keep what was written; inputs read what <see cref="SetInput"/> last set, else their bias (pull-up reads
/// high). Thread-safe. Edge callbacks are not supported: the alarm polls its one input.
/// </summary>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, (PinMode Mode, PinValue Value, PinValue? Input)> _pins = [];

    protected override int PinCount => 4096;

    /// <summary>The level a pin drives (outputs) or reads (inputs); Low when not open.</summary>
    public PinValue Value(int pin)
    {
        lock (_lock)
            return _pins.TryGetValue(pin, out var p) ? p.Input ?? p.Value : PinValue.Low;
    }

    /// <summary>Sets what an input line reads (a simulated button press).</summary>
    public void SetInput(int pin, PinValue value)
    {
        lock (_lock)
            if (_pins.TryGetValue(pin, out var p))
                _pins[pin] = p with { Input = value };
    }

    protected override void OpenPin(int pinNumber)
    {
        lock (_lock)
            _pins.TryAdd(pinNumber, (PinMode.Input, PinValue.Low, null));
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_lock)
            _pins.Remove(pinNumber);
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_lock)
        {
            var bias = mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low;
            var old = _pins.GetValueOrDefault(pinNumber, (PinMode.Input, PinValue.Low, null));
            _pins[pinNumber] = mode == PinMode.Output ? (mode, old.Value, null) : (mode, bias, null);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        lock (_lock)
            _pins[pinNumber] = (mode, initialValue, null);
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_lock)
            return _pins.TryGetValue(pinNumber, out var p) ? p.Mode : PinMode.Input;
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => Value(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_lock)
            if (_pins.TryGetValue(pinNumber, out var p))
                _pins[pinNumber] = p with { Value = value };
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne();
        return new WaitForEventResult { TimedOut = true, EventTypes = PinEventTypes.None };
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException("the simulated driver has no edge events; the alarm polls its input");

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) { }
}
