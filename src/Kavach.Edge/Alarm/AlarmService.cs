using System.Device.Gpio;
using Kavach.Edge.Configuration;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Alarm;

/// <summary>
/// Runs the alarm: opens the lines (the <c>gpio</c> driver refuses start-up with exit code 2 when the chip
/// or a line cannot be opened; <c>simulated</c> only when configured), runs the lamp test, then follows
/// the broadcaster's latest state directly (no queue: the shortest path in the program), beats the
/// watchdog heartbeat and polls the acknowledge button. Started first and stopped last.
/// <para>Clean stop: red and amber steady, buzzer quiet, heartbeat held low, then the lines are released.
/// An unhandled exception anywhere, or disposal without a clean stop (a failed start-up), drives "failed"
/// (red and amber steady, buzzer on) first. See docs/alarm-wiring.md for what an unpowered board shows.</para>
/// </summary>
public sealed class AlarmService(
    AlarmOptions options,
    AlarmOutputs outputs,
    AlarmEngine engine,
    Heartbeat heartbeat,
    AckButton button,
    RiskBroadcaster broadcaster,
    ILogger<AlarmService> log,
    TimeProvider? time = null
) : IHostedService, IDisposable
{
    /// <summary>Pause between attempts to open a busy or not-yet-permitted chip or line at start-up.</summary>
    public const int GpioRetryPauseMs = 500;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _state; // 0 new, 1 running, 2 stopped

    /// <summary>Opens the driver the configuration names (tests pass their own).</summary>
    public Func<(GpioDriver Driver, string Description)> OpenDriver { get; set; } =
        () => options.Driver == AlarmDriver.Gpio ? GpioChips.Open(options) : (new SimulatedGpioDriver(), "simulated (no hardware)");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var description = await OpenWithRetryAsync(cancellationToken).ConfigureAwait(false);
        log.LogInformation(
            "Alarm outputs on {Driver}: {Lines}; heartbeat every {HeartbeatMs} ms, ack button {Button}",
            description,
            string.Join(", ", AlarmLines.Outputs.Select(Describe)),
            options.HeartbeatMs,
            outputs.ButtonPin is { } b ? $"line {b}" : "none"
        );
        AppDomain.CurrentDomain.UnhandledException += OnUnhandled;
        Interlocked.Exchange(ref _state, 1);
        engine.Start();
        broadcaster.Changed += engine.OnRiskChanged;
        if (broadcaster.Latest is { } latest)
            engine.OnRiskChanged(latest);
        heartbeat.Start();
        button.Start();
    }

    /// <summary>
    /// Opens the driver and the lines. A busy or not-yet-permitted chip or line (udev applying its rules
    /// during boot) is retried for <c>Alarm.GpioRetryMs</c>, so a boot race does not end in exit 2 (which
    /// systemd does not restart) and a dark post; a cause that stays, or any other, refuses start-up.
    /// </summary>
    private async Task<string> OpenWithRetryAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (driver, description) = OpenDriver();
                try
                {
                    outputs.Open(driver, description, options, options.Driver == AlarmDriver.Simulated);
                }
                catch
                {
                    driver.Dispose();
                    throw;
                }
                if (attempt > 1)
                    log.LogInformation("Alarm lines opened at attempt {Attempt}", attempt);
                return description;
            }
            catch (ConfigurationRefusedException e) when (e.Transient)
            {
                var leftMs = options.GpioRetryMs - (long)_time.GetElapsedTime(started).TotalMilliseconds;
                if (leftMs <= 0)
                {
                    if (options.GpioRetryMs == 0)
                        throw;
                    throw new ConfigurationRefusedException(
                        $"{e.Message} (still failing after {options.GpioRetryMs} ms of retries, Alarm.GpioRetryMs)",
                        e
                    );
                }
                log.LogWarning("{Message}; retrying for up to {LeftMs} ms more (Alarm.GpioRetryMs)", e.Message, leftMs);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(GpioRetryPauseMs, leftMs)), _time, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    private string Describe(AlarmLine line)
    {
        var pin = outputs.PinOf(line);
        var o = options.Line(line);
        return pin is null ? $"{AlarmLines.Name(line)} not wired" : $"{AlarmLines.Name(line)} {pin}{(o.ActiveLow ? " (active-low)" : "")}";
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
            return Task.CompletedTask;
        Detach();
        engine.Halt(failed: false, "daemon stopping");
        heartbeat.Stop();
        outputs.Release();
        return Task.CompletedTask;
    }

    /// <summary>Drives "failed" now (an unhandled exception, a host failure); the lines stay as they are until the process exits.</summary>
    public void Fail(string why)
    {
        if (!outputs.IsOpen)
            return;
        engine.Halt(failed: true, why);
        heartbeat.Stop();
    }

    private void OnUnhandled(object sender, UnhandledExceptionEventArgs e) =>
        Fail("unhandled exception: " + (e.ExceptionObject as Exception)?.Message);

    private void Detach()
    {
        broadcaster.Changed -= engine.OnRiskChanged;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandled;
        button.Dispose();
    }

    public void Dispose()
    {
        // disposed while running: the host failed (start-up or stop) without a clean StopAsync
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
            return;
        Detach();
        Fail("the daemon is exiting without a clean stop");
        outputs.Release();
    }
}
