using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Kavach.Edge.Configuration;
using MQTTnet;

namespace Kavach.Edge.Uplink;

/// <summary>
/// TLS and credentials on an MQTT client's options, from <see cref="IMqttSecurityOptions"/>: shared by the uplink and
/// the sensor network's mqtt input so both check a broker the same way. TLS checks the broker's certificate chain
/// against the configured CA only (not the system store) and its host name; an optional client certificate gives
/// mutual TLS; the password is the first line of its file. Files are read on every call (every connect), so fixing
/// one needs no restart.
/// </summary>
public static class MqttSecurity
{
    /// <summary>Adds credentials and TLS to <paramref name="b"/> for a broker dialled as <paramref name="host"/>.</summary>
    public static MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder b, IMqttSecurityOptions o, string host)
    {
        if (o.Username.Length > 0)
            b = b.WithCredentials(o.Username, o.PasswordFile.Length > 0 ? ReadPassword(o.PasswordFile) : "");
        if (!o.Tls)
            return b;
        X509Certificate2Collection? ca = null;
        if (o.CaFile.Length > 0)
        {
            ca = [];
            ca.ImportFromPemFile(o.CaFile);
        }
        var client = o.CertFile.Length > 0 ? X509Certificate2.CreateFromPemFile(o.CertFile, o.KeyFile) : null;
        return b.WithTlsOptions(t =>
        {
            t.UseTls();
            t.WithTargetHost(host);
            if (client is not null)
                t.WithClientCertificates([client]);
            if (ca is not null)
                t.WithCertificateValidationHandler(e => Validate(e.Certificate, e.SslPolicyErrors, ca));
        });
    }

    /// <summary>The first line of the password file.</summary>
    public static string ReadPassword(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine() ?? "";
    }

    // The broker's certificate must chain to our CA (only: not the system store) and name the host we dialled.
    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection ca)
    {
        if (
            certificate is null
            || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0
        )
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var cert = new X509Certificate2(certificate);
        return chain.Build(cert);
    }
}
