namespace Kavach.Edge.Configuration;

/// <summary><c>Uplink</c> section: the central MQTT broker (store-and-forward).</summary>
public sealed class UplinkOptions
{
    /// <summary>Broker host; "" = no uplink.</summary>
    public string Host { get; set; } = "";

    /// <summary>Broker port.</summary>
    public int Port { get; set; } = 1883;

    internal void Read(ConfigReader r)
    {
        Host = r.String("Host", Host);
        Port = r.Int("Port", Port, 1, 65535);
    }
}
