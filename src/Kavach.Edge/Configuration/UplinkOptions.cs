namespace Kavach.Edge.Configuration;

/// <summary><c>Uplink</c> section: the central MQTT broker (MQTT 5, store-and-forward).</summary>
public sealed class UplinkOptions : IMqttSecurityOptions
{
    /// <summary>Broker host; "" = no uplink (alerts still queue in the outbox, bounded by <see cref="OutboxMaxRows"/>).</summary>
    public string Host { get; set; } = "";

    /// <summary>Broker port (1883 plain, usually 8883 with TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Connect with TLS; the broker's certificate is checked against <see cref="CaFile"/> (or the system store when "").</summary>
    public bool Tls { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate; "" = the system trust store.</summary>
    public string CaFile { get; set; } = "";

    /// <summary>PEM client certificate (mutual TLS), with <see cref="KeyFile"/>; "" = none.</summary>
    public string CertFile { get; set; } = "";

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>MQTT user name; "" = anonymous.</summary>
    public string Username { get; set; } = "";

    /// <summary>File holding the password (first line; never put the password itself in the config).</summary>
    public string PasswordFile { get; set; } = "";

    /// <summary>How long the broker keeps our session (queued commands, subscriptions) while we are away, s.</summary>
    public int SessionExpiryS { get; set; } = 7 * 24 * 3600;

    /// <summary>MQTT keep-alive, s.</summary>
    public int KeepAliveS { get; set; } = 30;

    /// <summary>Periodic telemetry (QoS 0, live, best effort) every this many ms; 0 = off.</summary>
    public int TelemetryMs { get; set; } = 60_000;

    /// <summary>
    /// Commands must carry an MQTT 5 message expiry interval of at most this many seconds (the broker drops
    /// them once it runs out, whatever our clock says); a command without one, or with a longer one, is refused.
    /// </summary>
    public int MaxCommandAgeS { get; set; } = 60;

    /// <summary>
    /// Accept <c>cmd/maintenance</c> starts and extensions from the broker. Off by default: whoever can publish
    /// there could otherwise take the lamps off a fault. Even when on, remote maintenance stays within
    /// <c>Alarm.MaxMaintenanceMs</c> per period and <c>Alarm.MaxMaintenanceMinutesPerDay</c>. Ending maintenance
    /// remotely is always allowed (it only makes the lamps follow the level again).
    /// </summary>
    public bool AllowRemoteMaintenance { get; set; }

    /// <summary>Bound of the alert outbox; when full the oldest alerts are shed (counted, and reported by a shed record sent
    /// first).</summary>
    public int OutboxMaxRows { get; set; } = 100_000;

    /// <summary>First reconnect delay, ms (doubled per failure, with ±20 % jitter).</summary>
    public int ReconnectMinMs { get; set; } = 1000;

    /// <summary>Reconnect delay cap, ms.</summary>
    public int ReconnectMaxMs { get; set; } = 60_000;

    /// <summary>
    /// After another unit is seen under our Device.Id, the uplink holds back this long (ms) before it looks
    /// again, instead of taking the session back in a loop; the FAULT clears after a look this long without
    /// the other unit (docs/operations.md).
    /// </summary>
    public int IdConflictHoldOffMs { get; set; } = 600_000;

    internal void Read(ConfigReader r)
    {
        Host = r.String("Host", Host);
        Port = r.Int("Port", Port, 1, 65535);
        // Tls, CaFile, CertFile, KeyFile, Username, PasswordFile: shared with the mqtt sensor transport.
        // Files are checked at start-up (when the uplink is on) so a typo stops the daemon with its key, not a reconnect loop.
        MqttSecurityKeys.Read(r, this, checkFiles: Host.Length > 0);
        SessionExpiryS = r.Int("SessionExpiryS", SessionExpiryS, 60, int.MaxValue);
        KeepAliveS = r.Int("KeepAliveS", KeepAliveS, 5, 3600);
        TelemetryMs = r.Int("TelemetryMs", TelemetryMs, 0, 86_400_000);
        if (TelemetryMs is > 0 and < 1000)
            r.Error("TelemetryMs", $"must be 0 (off) or 1000-86400000, got {TelemetryMs}");
        MaxCommandAgeS = r.Int("MaxCommandAgeS", MaxCommandAgeS, 1, 86_400);
        AllowRemoteMaintenance = r.Bool("AllowRemoteMaintenance", AllowRemoteMaintenance);
        OutboxMaxRows = r.Int("OutboxMaxRows", OutboxMaxRows, 10, 10_000_000);
        ReconnectMinMs = r.Int("ReconnectMinMs", ReconnectMinMs, 10, 600_000);
        ReconnectMaxMs = r.Int("ReconnectMaxMs", ReconnectMaxMs, 10, 3_600_000);
        if (ReconnectMaxMs < ReconnectMinMs)
            r.Error("ReconnectMaxMs", $"must be at least ReconnectMinMs ({ReconnectMinMs})");
        IdConflictHoldOffMs = r.Int("IdConflictHoldOffMs", IdConflictHoldOffMs, 1000, 86_400_000);
    }
}
