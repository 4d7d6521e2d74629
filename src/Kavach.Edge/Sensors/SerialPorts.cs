using System.IO.Ports;
using Kavach.Edge.Configuration;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// Opening and closing UARTs without ever blocking the daemon (docs/platform.md): after the far end vanishes a
/// <c>Close()</c> can hang for a minute, and an <c>Open()</c> of a wedged USB adapter can too. Both run on a
/// background task with a timeout; one that hangs is abandoned (logged), never awaited.
/// </summary>
public static class SerialPorts
{
    public static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A port set up per <paramref name="t"/>, not yet open. Reads time out every <paramref name="readTimeoutMs"/>
    /// so a reading thread sees cancellation promptly.</summary>
    public static SerialPort Create(string path, int baud, TransportOptions? t = null, int readTimeoutMs = 200) =>
        new(path, baud, t?.Parity ?? Parity.None, t?.DataBits ?? 8, t?.StopBits ?? StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = readTimeoutMs,
            WriteTimeout = 1000,
            ReadBufferSize = 64 * 1024,
        };

    /// <summary>Opens on a background task; throws the open's error, or <see cref="TimeoutException"/> (the port is then
    /// abandoned).</summary>
    public static async Task OpenAsync(SerialPort port, TimeProvider time, CancellationToken ct)
    {
        var open = Task.Run(port.Open, CancellationToken.None);
        try
        {
            await open.WaitAsync(OpenTimeout, time, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Dispose whenever the open finally returns; nobody waits for it.
            _ = open.ContinueWith(_ => port.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            if (e is TimeoutException)
                throw new TimeoutException($"open did not return within {OpenTimeout.TotalSeconds:0} s");
            throw;
        }
    }

    /// <summary>
    /// A worker left blocked in a read or write of <paramref name="port"/>'s exchange when we stop waiting for it fails once
    /// the port closes ("The port is closed"): expected, so its exception is observed here and never surfaces as an
    /// unobserved task exception. Call before closing.
    /// </summary>
    public static void Abandon(Task worker) =>
        _ = worker.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default
        );

    /// <summary>Disposes on a background task, waiting at most <see cref="CloseTimeout"/>; a hanging close is abandoned and
    /// logged.</summary>
    public static async Task CloseAsync(SerialPort port, string name, TimeProvider time, ILogger log)
    {
        var close = Task.Run(port.Dispose, CancellationToken.None);
        try
        {
            await close.WaitAsync(CloseTimeout, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.LogWarning(
                "Sensor {Sensor}: closing {Port} did not return within {Seconds} s; abandoned it",
                name,
                port.PortName,
                CloseTimeout.TotalSeconds
            );
        }
        catch (Exception e)
        {
            log.LogDebug(e, "Sensor {Sensor}: closing {Port} failed", name, port.PortName);
        }
    }
}
