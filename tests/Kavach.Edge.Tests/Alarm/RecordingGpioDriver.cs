using System.Device.Gpio;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>
/// A real <see cref="GpioDriver"/> that records every write with the test clock's time, so tests read the
/// exact pin timeline. Lines in <see cref="Busy"/> fail to open as a busy kernel line would.
/// </summary>
public sealed class RecordingGpioDriver(TimeProvider time, int lines = 64) : GpioDriver
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly Dictionary<int, PinMode> _modes = [];

    public sealed record PinWrite(long Timestamp, int Pin, PinValue Value);

    /// <summary>Every write, in order (the initial value given at open counts as one).</summary>
    public List<PinWrite> Writes { get; } = [];

    public HashSet<int> Busy { get; } = [];

    /// <summary>When set, asked at every line open: an exception to throw (a line busy or not yet permitted at boot), or null.</summary>
    public Func<int, Exception?>? OpenFault { get; set; }

    /// <summary>When set, writes throw (a line lost at run time).</summary>
    public bool FailWrites { get; set; }

    public bool Disposed { get; private set; }

    public PinValue Value(int pin)
    {
        lock (_lock)
            return _values.GetValueOrDefault(pin, PinValue.Low);
    }

    /// <summary>Sets an input's level (the button).</summary>
    public void SetInput(int pin, PinValue v)
    {
        lock (_lock)
            _values[pin] = v;
    }

    public List<PinWrite> WritesTo(int pin)
    {
        lock (_lock)
            return Writes.Where(w => w.Pin == pin).ToList();
    }

    protected override int PinCount => lines;

    protected override void OpenPin(int pinNumber)
    {
        if (Busy.Contains(pinNumber))
            throw new IOException($"Pin {pinNumber} is not available. Error: Device or resource busy");
        if (OpenFault?.Invoke(pinNumber) is { } e)
            throw e;
    }

    protected override void ClosePin(int pinNumber) { }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_lock)
        {
            _modes[pinNumber] = mode;
            if (mode == PinMode.InputPullUp)
                _values.TryAdd(pinNumber, PinValue.High);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        lock (_lock)
        {
            _modes[pinNumber] = mode;
            _values[pinNumber] = initialValue;
            Writes.Add(new PinWrite(time.GetTimestamp(), pinNumber, initialValue));
        }
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_lock)
            return _modes.GetValueOrDefault(pinNumber, PinMode.Input);
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => Value(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        if (FailWrites)
            throw new IOException("Input/output error");
        lock (_lock)
        {
            _values[pinNumber] = value;
            Writes.Add(new PinWrite(time.GetTimestamp(), pinNumber, value));
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        new() { TimedOut = true, EventTypes = PinEventTypes.None };

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException();

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) { }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
