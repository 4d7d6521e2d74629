using System.IO.Ports;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Sensors;

/// <summary>
/// serial: a UART (System.IO.Ports) read by a dedicated thread with a short read timeout. After a read failure
/// (adapter unplugged, pty gone) the port is never written to: it is closed on a background task (abandoned if the
/// close hangs, docs/platform.md) and reopened with backoff. A new decoder per opening. Owns its port.
/// </summary>
public sealed class SerialTransport(SensorEndpoint endpoint, Backoff backoff, TimeProvider time, ILogger log)
    : ReconnectingTransport(endpoint.Name, [endpoint], backoff, time, log)
{
    public override string Target => $"serial {endpoint.Transport.Path} at {endpoint.Transport.Baud}";

    protected override async Task SessionAsync(Action connected, CancellationToken ct)
    {
        var t = endpoint.Transport;
        var port = SerialPorts.Create(t.Path, t.Baud, t);
        await SerialPorts.OpenAsync(port, Time, ct).ConfigureAwait(false);
        connected();

        var decoder = endpoint.NewDecoder();
        var reader = Task.Factory.StartNew(
            () => ReadLoop(port, decoder, ct),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default
        );
        try
        {
            // On stop, do not wait for a read that might hang: close in the background and leave.
            await reader.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            SerialPorts.Abandon(reader); // left running on stop, it fails when the port closes
            await SerialPorts.CloseAsync(port, Name, Time, Log).ConfigureAwait(false);
            if (reader.IsCompleted)
                decoder.OnEnd();
        }
    }

    private static void ReadLoop(SerialPort port, IConnectionDecoder decoder, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        while (!ct.IsCancellationRequested)
        {
            int read;
            try
            {
                read = port.Read(buffer, 0, buffer.Length);
            }
            catch (TimeoutException)
            {
                continue; // quiet line: normal
            }
            if (read > 0)
                decoder.OnBytes(buffer.AsSpan(0, read));
        }
    }
}
