namespace Kavach.Edge.Configuration;

/// <summary>How a sensor's bytes arrive.</summary>
public enum TransportType
{
    /// <summary>The daemon listens; sensors (or the simulator) connect in. Several clients at once.</summary>
    TcpListen,

    /// <summary>The daemon connects to the sensor or a serial-to-Ethernet server.</summary>
    TcpClient,

    /// <summary>A UART (System.IO.Ports).</summary>
    Serial,

    /// <summary>A topic on the sensor network's MQTT broker.</summary>
    Mqtt,
}

/// <summary><c>Sensors[i].Transport</c>: each type accepts only its own keys.</summary>
public sealed class TransportOptions : IMqttSecurityOptions
{
    /// <summary>Transport type.</summary>
    public TransportType Type { get; set; } = TransportType.TcpListen;

    /// <summary>tcp-listen: bind address; tcp-client and mqtt: the peer.</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>TCP port (tcp-listen: 0 lets the system pick, used by the demo and tests).</summary>
    public int Port { get; set; } = 9000;

    /// <summary>serial: device path (/dev/ttyAMA0, /dev/kavach-lidar, ...).</summary>
    public string Path { get; set; } = "";

    /// <summary>serial: baud rate.</summary>
    public int Baud { get; set; } = 115200;

    /// <summary>serial: none, even, odd.</summary>
    public System.IO.Ports.Parity Parity { get; set; } = System.IO.Ports.Parity.None;

    /// <summary>serial: data bits (5–8).</summary>
    public int DataBits { get; set; } = 8;

    /// <summary>serial: 1, 1.5 or 2.</summary>
    public System.IO.Ports.StopBits StopBits { get; set; } = System.IO.Ports.StopBits.One;

    /// <summary>mqtt: topic filter (the original design's <c>kavach/sensors/#</c>).</summary>
    public string Topic { get; set; } = "kavach/sensors/#";

    /// <summary>
    /// tcp-listen: the addresses and CIDR blocks a client may connect from; any other client is closed at once, never
    /// read, counted and logged. Default loopback only (127.0.0.0/8, ::1): a sensor on the network is listed by address.
    /// </summary>
    public ClientAllowList AllowedClients { get; set; } = ClientAllowList.LoopbackOnly;

    /// <summary>
    /// tcp-listen: most clients connected at once per sensor (json-lines sensors sharing a port: the sum of theirs).
    /// A client beyond it is refused (the newest is closed at once, counted, logged): a live sensor keeps its slot.
    /// </summary>
    public int MaxClients { get; set; } = 1;

    /// <inheritdoc/>
    public bool Tls { get; set; }

    /// <inheritdoc/>
    public string CaFile { get; set; } = "";

    /// <inheritdoc/>
    public string CertFile { get; set; } = "";

    /// <inheritdoc/>
    public string KeyFile { get; set; } = "";

    /// <inheritdoc/>
    public string Username { get; set; } = "";

    /// <inheritdoc/>
    public string PasswordFile { get; set; } = "";

    internal void Read(ConfigReader r)
    {
        if (!r.Has("Type"))
            r.Error("Type", "is required (tcp-listen, tcp-client, serial or mqtt)");
        Type = r.Choice(
            "Type",
            Type,
            ("tcp-listen", TransportType.TcpListen),
            ("tcp-client", TransportType.TcpClient),
            ("serial", TransportType.Serial),
            ("mqtt", TransportType.Mqtt)
        );

        string[] own = Type switch
        {
            TransportType.TcpListen => ["Host", "Port", "AllowedClients", "MaxClients"],
            TransportType.TcpClient => ["Host", "Port"],
            TransportType.Serial => ["Path", "Baud", "Parity", "DataBits", "StopBits"],
            _ => ["Host", "Port", "Topic", .. MqttSecurityKeys.Names],
        };
        foreach (
            var key in (string[])
                [
                    "Host",
                    "Port",
                    "Path",
                    "Baud",
                    "Parity",
                    "DataBits",
                    "StopBits",
                    "Topic",
                    "AllowedClients",
                    "MaxClients",
                    .. MqttSecurityKeys.Names,
                ]
        )
        {
            if (own.Contains(key))
                continue;
            if (r.Has(key))
                r.Error(key, $"is not a key of a {TypeName(Type)} transport (its keys: Type, {string.Join(", ", own)})");
            r.Seen(key);
        }

        switch (Type)
        {
            case TransportType.TcpListen:
                Host = r.String("Host", "0.0.0.0", allowEmpty: false);
                if (Host != "localhost" && Host != "*" && !System.Net.IPAddress.TryParse(Host, out _))
                    r.Error("Host", $"must be an IP address to bind (0.0.0.0 for all, 127.0.0.1 for loopback), got '{Host}'");
                Port = r.Int("Port", 9000, 0, 65535);
                if (r.StringList("AllowedClients") is { } allowed)
                    AllowedClients = ClientAllowList.Parse(allowed, (i, why) => r.Errors.Add($"{r.KeyPath("AllowedClients")}[{i}]: {why}"));
                MaxClients = r.Int("MaxClients", MaxClients, 1, 64);
                break;
            case TransportType.TcpClient:
                if (!r.Has("Host"))
                    r.Error("Host", "is required for a tcp-client transport");
                Host = r.String("Host", "", allowEmpty: false);
                if (!r.Has("Port"))
                    r.Error("Port", "is required for a tcp-client transport");
                Port = r.Int("Port", 0, 1, 65535);
                break;
            case TransportType.Serial:
                if (!r.Has("Path"))
                    r.Error("Path", "is required for a serial transport (e.g. /dev/ttyAMA0)");
                Path = r.String("Path", "", allowEmpty: false);
                Baud = r.Int("Baud", Baud, 50, 4_000_000);
                Parity = r.Choice(
                    "Parity",
                    Parity,
                    ("none", System.IO.Ports.Parity.None),
                    ("even", System.IO.Ports.Parity.Even),
                    ("odd", System.IO.Ports.Parity.Odd)
                );
                DataBits = r.Int("DataBits", DataBits, 5, 8);
                StopBits = r.Choice(
                    "StopBits",
                    StopBits,
                    ("1", System.IO.Ports.StopBits.One),
                    ("1.5", System.IO.Ports.StopBits.OnePointFive),
                    ("2", System.IO.Ports.StopBits.Two)
                );
                break;
            case TransportType.Mqtt:
                Host = r.String("Host", "127.0.0.1", allowEmpty: false);
                Port = r.Int("Port", 1883, 1, 65535);
                Topic = r.String("Topic", Topic, allowEmpty: false);
                MqttSecurityKeys.Read(r, this, checkFiles: true);
                break;
        }
    }

    /// <summary>The config name of a transport type.</summary>
    public static string TypeName(TransportType t) =>
        t switch
        {
            TransportType.TcpListen => "tcp-listen",
            TransportType.TcpClient => "tcp-client",
            TransportType.Serial => "serial",
            _ => "mqtt",
        };
}
