using Kavach.Edge.Configuration;

namespace Kavach.Central.Configuration;

/// <summary><c>Fleet</c> section: how the central judges the posts it hears from.</summary>
public sealed class FleetOptions
{
    /// <summary>
    /// The longest a healthy post goes without publishing anything, in seconds: the daemon sends telemetry every
    /// <c>Uplink.TelemetryMs</c> (default 60 s), so 60. A post whose latest message (of any kind) is older than 1.5 × this
    /// is shown offline ("silent"), whatever its retained status says. It must not be shorter than the posts' telemetry
    /// period, or healthy posts flap offline between two messages.
    /// </summary>
    public int KeepAliveS { get; set; } = 60;

    /// <summary>The silence after which a post is offline: 1.5 × <see cref="KeepAliveS"/>, as the broker's last will.</summary>
    public TimeSpan SilenceLimit => TimeSpan.FromSeconds(KeepAliveS * 1.5);

    /// <summary>The MQTT 5 message expiry interval of the commands the central sends, in seconds: the broker drops a
    /// command not delivered by then. A post refuses any above its <c>Uplink.MaxCommandAgeS</c> (default 60).</summary>
    public int CommandExpiryS { get; set; } = 60;

    internal void Read(ConfigReader r)
    {
        KeepAliveS = r.Int("KeepAliveS", KeepAliveS, 1, 86_400);
        CommandExpiryS = r.Int("CommandExpiryS", CommandExpiryS, 1, 3600);
    }
}
