using System.Device.Gpio;
using Kavach.Edge.Alarm;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The alarm outputs. Simulated: SKIP. GPIO: opens the chip the way the daemon does (same driver
/// choice, same refusal messages naming the chip and the likely fix) and requests every configured line
/// as an input — enough to prove it exists and is free, without driving a lamp or the buzzer.
/// </summary>
public sealed class AlarmCheck : ISelfTestCheck
{
    public string Name => "alarm outputs";

    public Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var a = context.Options.Alarm;
        if (a.Driver == AlarmDriver.Simulated)
            return Task.FromResult(SelfTestResult.Skip(Name, "driver simulated: no GPIO to test"));
        try
        {
            var (driver, description) = GpioChips.Open(a);
            using var controller = new GpioController(driver);
            var lines = new (string Name, int? Line)[]
            {
                ("Green", a.Green.Line),
                ("Amber", a.Amber.Line),
                ("Red", a.Red.Line),
                ("Buzzer", a.Buzzer.Line),
                ("Heartbeat", a.Heartbeat.Line),
                ("AckButton", a.AckButton.Line),
            };
            var opened = new List<string>();
            foreach (var (name, line) in lines)
            {
                if (line is not { } n)
                    continue;
                try
                {
                    controller.OpenPin(n, PinMode.Input);
                    controller.ClosePin(n);
                    opened.Add($"{name} {n}");
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return Task.FromResult(
                        SelfTestResult.Fail(
                            Name,
                            $"Alarm.{name}.Line {n} on {description}: {e.Message} (busy? `gpioinfo` shows the holder; permission? group gpio)"
                        )
                    );
                }
            }
            return Task.FromResult(SelfTestResult.Pass(Name, $"{description}; lines {string.Join(", ", opened)} requestable"));
        }
        catch (ConfigurationRefusedException e)
        {
            return Task.FromResult(SelfTestResult.Fail(Name, e.Message));
        }
    }
}
