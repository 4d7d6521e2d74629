using Kavach.Edge.Configuration;

namespace Kavach.Central.Configuration;

/// <summary><c>Mqtt</c> section: the broker (cluster) the posts uplink to, and this instance's place in the shared subscription
/// group.</summary>
public sealed class MqttOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;

    /// <summary>This instance's client id (required, stable across restarts): its persistent session holds the
    /// messages it received but did not acknowledge, so a restarted instance gets them again.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The shared subscription group (<c>$share/GROUP/kavach/+/alerts</c>): instances of one group split the load.</summary>
    public string SharedGroup { get; set; } = "kavach-central";

    /// <summary>How long the broker keeps this instance's session (and its unacknowledged messages) while it is away.</summary>
    public int SessionExpiryS { get; set; } = 86_400;

    public int KeepAliveS { get; set; } = 30;

    /// <summary>MQTT 5 receive maximum: messages the broker may have in flight to us, unacknowledged (bounds a batch).</summary>
    public int ReceiveMaximum { get; set; } = 1000;

    public int ReconnectMinMs { get; set; } = 500;
    public int ReconnectMaxMs { get; set; } = 30_000;

    internal void Read(ConfigReader r)
    {
        Host = r.String("Host", Host, allowEmpty: false);
        Port = r.Int("Port", Port, 1, 65_535);
        ClientId = r.String("ClientId", "", allowEmpty: false);
        if (ClientId.Length == 0)
            r.Error("ClientId", "required: a stable id per instance (e.g. kavach-central-1)");
        else if (ClientId.Length > 64 || ClientId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            r.Error("ClientId", "1-64 of letters, digits, '-', '_'");
        SharedGroup = r.String("SharedGroup", SharedGroup, allowEmpty: false);
        if (SharedGroup.Any(c => c is '/' or '+' or '#'))
            r.Error("SharedGroup", "must not contain '/', '+' or '#'");
        SessionExpiryS = r.Int("SessionExpiryS", SessionExpiryS, 60, int.MaxValue);
        KeepAliveS = r.Int("KeepAliveS", KeepAliveS, 5, 3600);
        ReceiveMaximum = r.Int("ReceiveMaximum", ReceiveMaximum, 1, 65_535);
        ReconnectMinMs = r.Int("ReconnectMinMs", ReconnectMinMs, 10, 60_000);
        ReconnectMaxMs = r.Int("ReconnectMaxMs", ReconnectMaxMs, ReconnectMinMs, 600_000);
    }
}
