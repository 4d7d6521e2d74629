using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Kavach.Edge.Configuration;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Kavach.Edge.Uplink;

/// <summary>
/// Builds the MQTT 5 client options from <see cref="UplinkOptions"/>: client id = Device.Id, persistent
/// session (clean start off, session expiry &gt; 0), a retained offline will on the status topic, TLS with
/// the configured CA (chain and host name checked), optional client certificate, password from a file.
/// Files are read on every connect, so fixing one needs no restart.
/// </summary>
public static class UplinkClientOptions
{
    public static MqttClientOptions Build(KavachOptions options, Topics topics, string instance)
    {
        var o = options.Uplink;
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(options.Device.Id)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)o.SessionExpiryS)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(o.KeepAliveS))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(topics.Status)
            .WithWillPayload(UplinkJson.Offline(instance))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillContentType("application/json");
        if (o.Username.Length > 0)
            b = b.WithCredentials(o.Username, o.PasswordFile.Length > 0 ? ReadPassword(o.PasswordFile) : "");
        if (o.Tls)
        {
            X509Certificate2Collection? ca = null;
            if (o.CaFile.Length > 0)
            {
                ca = [];
                ca.ImportFromPemFile(o.CaFile);
            }
            var client = o.CertFile.Length > 0 ? X509Certificate2.CreateFromPemFile(o.CertFile, o.KeyFile) : null;
            b = b.WithTlsOptions(t =>
            {
                t.UseTls();
                t.WithTargetHost(o.Host);
                if (client is not null) t.WithClientCertificates([client]);
                if (ca is not null) t.WithCertificateValidationHandler(e => Validate(e.Certificate, e.SslPolicyErrors, ca));
            });
        }
        return b.Build();
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
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var cert = new X509Certificate2(certificate);
        return chain.Build(cert);
    }
}
