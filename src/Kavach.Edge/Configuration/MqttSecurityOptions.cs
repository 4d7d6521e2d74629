namespace Kavach.Edge.Configuration;

/// <summary>
/// TLS and credential keys of an MQTT client: the uplink's (<c>Uplink.*</c>) and the sensor network's
/// (<c>Sensors[i].Transport.*</c> of an mqtt transport). One definition, read and checked by
/// <see cref="MqttSecurityKeys.Read"/> and applied by <c>Uplink.MqttSecurity</c>, so both clients behave alike.
/// </summary>
public interface IMqttSecurityOptions
{
    /// <summary>Connect with TLS; the broker's certificate is checked against <see cref="CaFile"/> (or the system store when "").</summary>
    bool Tls { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate; "" = the system trust store.</summary>
    string CaFile { get; set; }

    /// <summary>PEM client certificate (mutual TLS), with <see cref="KeyFile"/>; "" = none.</summary>
    string CertFile { get; set; }

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    string KeyFile { get; set; }

    /// <summary>MQTT user name; "" = anonymous.</summary>
    string Username { get; set; }

    /// <summary>File holding the password (first line; never put the password itself in the config).</summary>
    string PasswordFile { get; set; }
}

/// <summary>Reads and checks the <see cref="IMqttSecurityOptions"/> keys of one section.</summary>
public static class MqttSecurityKeys
{
    /// <summary>The key names, in config order.</summary>
    public static readonly string[] Names = ["Tls", "CaFile", "CertFile", "KeyFile", "Username", "PasswordFile"];

    /// <summary>
    /// Reads the keys into <paramref name="o"/>, one error line per problem. With <paramref name="checkFiles"/> the
    /// named files must exist, so a typo stops the daemon with its key rather than feeding a reconnect loop.
    /// </summary>
    public static void Read(ConfigReader r, IMqttSecurityOptions o, bool checkFiles)
    {
        o.Tls = r.Bool("Tls", o.Tls);
        o.CaFile = r.String("CaFile", o.CaFile);
        o.CertFile = r.String("CertFile", o.CertFile);
        o.KeyFile = r.String("KeyFile", o.KeyFile);
        o.Username = r.String("Username", o.Username);
        o.PasswordFile = r.String("PasswordFile", o.PasswordFile);

        if ((o.CertFile.Length > 0) != (o.KeyFile.Length > 0))
            r.Error(o.CertFile.Length > 0 ? "KeyFile" : "CertFile", "CertFile and KeyFile go together");
        if (!o.Tls && (o.CaFile.Length > 0 || o.CertFile.Length > 0))
            r.Error(o.CaFile.Length > 0 ? "CaFile" : "CertFile", "needs Tls: true");
        if (o.PasswordFile.Length > 0 && o.Username.Length == 0)
            r.Error("PasswordFile", "needs a Username");
        if (!checkFiles)
            return;
        foreach (
            var (key, path) in new[]
            {
                ("CaFile", o.CaFile),
                ("CertFile", o.CertFile),
                ("KeyFile", o.KeyFile),
                ("PasswordFile", o.PasswordFile),
            }
        )
            if (path.Length > 0 && !File.Exists(path))
                r.Error(key, $"file not found: {path}");
        // Secrets readable by others are refused with the chmod/chown that fixes them (docs/security.md).
        SecretFile.Check(r, "KeyFile", o.KeyFile);
        SecretFile.Check(r, "PasswordFile", o.PasswordFile);
    }

    /// <summary>True when both name the same TLS and credential settings.</summary>
    public static bool Same(IMqttSecurityOptions a, IMqttSecurityOptions b) =>
        a.Tls == b.Tls
        && a.CaFile == b.CaFile
        && a.CertFile == b.CertFile
        && a.KeyFile == b.KeyFile
        && a.Username == b.Username
        && a.PasswordFile == b.PasswordFile;
}
