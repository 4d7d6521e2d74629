using System.IO.Ports;
using System.Net;
using System.Net.Sockets;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// One sensor's transport can be opened as the daemon would: a serial port opens and closes; a
/// tcp-listen address can be bound; a tcp-client peer or an MQTT broker accepts a connection. While the
/// service runs it holds these, so the check is SKIP ("held by the running service").
/// </summary>
public sealed class SensorTransportCheck(SensorOptions sensor) : ISelfTestCheck
{
    public string Name => "sensor " + sensor.Name;

    public async Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var t = sensor.Transport;
        var what = TransportOptions.TypeName(t.Type);
        if (context.Service.Running)
            return SelfTestResult.Skip(Name, $"{what} {Describe(t)}: {SelfTestContext.HeldByService}");
        return t.Type switch
        {
            TransportType.Serial => await SerialAsync(t, cancellationToken).ConfigureAwait(false),
            TransportType.TcpListen => Bind(t),
            _ => await ConnectAsync(t, context.ProbeTimeout, cancellationToken).ConfigureAwait(false),
        };
    }

    private static string Describe(TransportOptions t) => t.Type == TransportType.Serial ? $"{t.Path} @ {t.Baud}" : $"{t.Host}:{t.Port}";

    private async Task<SelfTestResult> SerialAsync(TransportOptions t, CancellationToken ct)
    {
        if (!File.Exists(t.Path))
            return SelfTestResult.Fail(Name, $"serial {t.Path}: no such device (adapter unplugged? udev rule for its name?)");
        // Open/Close can block on a misbehaving USB adapter: run it aside and give up after a few seconds.
        var open = Task.Run(
            () =>
            {
                using var port = new SerialPort(t.Path, t.Baud, t.Parity, t.DataBits, t.StopBits);
                port.Open();
                port.Close();
            },
            CancellationToken.None
        );
        try
        {
            await open.WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
            return SelfTestResult.Pass(Name, $"serial {t.Path} opened and closed at {t.Baud} baud");
        }
        catch (TimeoutException)
        {
            return SelfTestResult.Fail(Name, $"serial {t.Path}: open/close did not finish within 5 s");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            // messages are bare resource keys in a trimmed build: name the cause ourselves
            var why =
                e is UnauthorizedAccessException ? "permission denied (is the user in group dialout?)" : $"{e.GetType().Name}: {e.Message}";
            return SelfTestResult.Fail(Name, $"serial {t.Path}: {why}");
        }
    }

    private SelfTestResult Bind(TransportOptions t)
    {
        var address = t.Host switch
        {
            "*" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.Parse(t.Host),
        };
        if (t.Port == 0)
            return SelfTestResult.Pass(Name, $"tcp-listen {t.Host}:0: the system picks a free port");
        try
        {
            var listener = new TcpListener(address, t.Port);
            listener.Start();
            listener.Stop();
            return SelfTestResult.Pass(Name, $"tcp-listen {t.Host}:{t.Port} can be bound");
        }
        catch (SocketException e)
        {
            return SelfTestResult.Fail(Name, $"tcp-listen {t.Host}:{t.Port}: {e.Message} (another program on that port?)");
        }
    }

    private async Task<SelfTestResult> ConnectAsync(TransportOptions t, TimeSpan timeout, CancellationToken ct)
    {
        var what = TransportOptions.TypeName(t.Type);
        var (ok, detail) = await TcpProbe.ConnectAsync(t.Host, t.Port, timeout, ct).ConfigureAwait(false);
        return ok
            ? SelfTestResult.Pass(Name, $"{what} {t.Host}:{t.Port}: {detail}")
            : SelfTestResult.Fail(Name, $"{what} {t.Host}:{t.Port}: {detail}");
    }
}
