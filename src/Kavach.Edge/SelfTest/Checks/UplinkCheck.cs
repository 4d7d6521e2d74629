using System.Net.Sockets;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The uplink broker is reachable when <c>Uplink.Host</c> is set: a TCP connect, then a TLS handshake
/// with the configured CA when TLS is on. This build has no Uplink TLS keys yet, so <see cref="Tls"/> and
/// <see cref="CaFile"/> are passed in by whoever wires the check (see SelfTestChecks).
/// </summary>
public sealed class UplinkCheck(bool tls = false, string? caFile = null) : ISelfTestCheck
{
    public string Name => "uplink";

    public bool Tls => tls;

    public string? CaFile => caFile;

    public async Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var u = context.Options.Uplink;
        if (string.IsNullOrEmpty(u.Host))
            return SelfTestResult.Skip(Name, "no uplink configured (Uplink.Host is empty)");
        using var client = new TcpClient();
        var (ok, detail) = await TcpProbe
            .ConnectAsync(client, u.Host, u.Port, context.ProbeTimeout, cancellationToken)
            .ConfigureAwait(false);
        if (!ok)
            return SelfTestResult.Fail(Name, $"broker {u.Host}:{u.Port}: {detail}");
        if (!tls)
            return SelfTestResult.Pass(Name, $"broker {u.Host}:{u.Port}: {detail} (plain TCP, no TLS)");
        var (tlsOk, tlsDetail) = await TcpProbe
            .TlsHandshakeAsync(client, u.Host, caFile, context.ProbeTimeout, cancellationToken)
            .ConfigureAwait(false);
        return tlsOk
            ? SelfTestResult.Pass(Name, $"broker {u.Host}:{u.Port}: {detail}; {tlsDetail}")
            : SelfTestResult.Fail(Name, $"broker {u.Host}:{u.Port}: {detail}; {tlsDetail}");
    }
}
