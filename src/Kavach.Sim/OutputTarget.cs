using System.Globalization;
using Kavach.Simulation;

namespace Kavach.Sim;

/// <summary>Where bytes go (or, for <c>record</c>, come from).</summary>
internal enum OutputKind
{
    Stdout,
    TcpConnect,
    TcpListen,
    Serial,
    Mqtt,
}

/// <summary>
/// A parsed OUTPUT argument: <c>tcp://HOST:PORT</c>, <c>tcp-listen://HOST:PORT</c>,
/// <c>serial:///dev/ttyX?baud=N</c> or a device/pty path, <c>mqtt://HOST[:PORT]/TOPIC</c>, or <c>-</c> (stdout).
/// </summary>
internal sealed record OutputTarget(
    OutputKind Kind,
    string Text,
    string Host = "",
    int Port = 0,
    string Path = "",
    int? Baud = null,
    string Topic = ""
)
{
    public const int DefaultMqttPort = 1883;

    public static bool TryParse(string text, out OutputTarget target, out string error)
    {
        target = new OutputTarget(OutputKind.Stdout, text);
        error = "";
        if (text == "-")
            return true;
        if (text.StartsWith('/'))
        {
            target = new OutputTarget(OutputKind.Serial, text, Path: text);
            return true;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            error =
                $"'{text}' is not an output (tcp://HOST:PORT, tcp-listen://HOST:PORT, serial:///dev/ttyX?baud=N, /dev/PATH, mqtt://HOST:PORT/TOPIC, -)";
            return false;
        }
        switch (uri.Scheme)
        {
            case "tcp" or "tcp-listen":
                if (uri.Port <= 0 || uri.Host.Length == 0)
                {
                    error = $"'{text}': give a host and a port, e.g. {uri.Scheme}://127.0.0.1:5000";
                    return false;
                }
                target = new OutputTarget(
                    uri.Scheme == "tcp" ? OutputKind.TcpConnect : OutputKind.TcpListen,
                    text,
                    Host: uri.Host.Trim('[', ']'),
                    Port: uri.Port
                );
                return true;
            case "serial":
                int? baud = null;
                foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var kv = pair.Split('=', 2);
                    if (
                        kv.Length == 2
                        && kv[0] == "baud"
                        && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                        && b > 0
                    )
                        baud = b;
                    else
                    {
                        error = $"'{text}': unknown or bad option '{pair}' (only baud=N)";
                        return false;
                    }
                }
                var path = Uri.UnescapeDataString(uri.AbsolutePath);
                if (path.Length < 2)
                {
                    error = $"'{text}': give a device path, e.g. serial:///dev/ttyUSB0?baud=115200";
                    return false;
                }
                target = new OutputTarget(OutputKind.Serial, text, Path: path, Baud: baud);
                return true;
            case "mqtt":
                var topic = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
                if (
                    uri.Host.Length == 0
                    || topic.Length == 0
                    || uri.Fragment.Length > 0
                    || uri.Query.Length > 0
                    || topic.Contains('#')
                    || topic.Contains('+')
                )
                {
                    error = $"'{text}': give a host and a topic without wildcards, e.g. mqtt://127.0.0.1:1883/kavach/lidar";
                    return false;
                }
                target = new OutputTarget(
                    OutputKind.Mqtt,
                    text,
                    Host: uri.Host.Trim('[', ']'),
                    Port: uri.IsDefaultPort || uri.Port <= 0 ? DefaultMqttPort : uri.Port,
                    Topic: topic
                );
                return true;
            default:
                error = $"'{text}': unknown scheme '{uri.Scheme}' (tcp, tcp-listen, serial, mqtt)";
                return false;
        }
    }

    /// <summary>The baud rate a real sensor of this protocol uses by default (docs/protocols.md).</summary>
    public static int DefaultBaud(SimProtocol protocol) => SimFormats.Of(protocol).SerialBaud;
}
