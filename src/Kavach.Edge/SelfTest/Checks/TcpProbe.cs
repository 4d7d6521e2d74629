using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>A TCP connect, and optionally a TLS handshake against a CA file, each with a time limit.</summary>
public static class TcpProbe
{
    public static async Task<(bool Ok, string Detail)> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        using var client = new TcpClient();
        var (ok, detail) = await ConnectAsync(client, host, port, timeout, ct).ConfigureAwait(false);
        return (ok, detail);
    }

    public static async Task<(bool Ok, string Detail)> ConnectAsync(
        TcpClient client,
        string host,
        int port,
        TimeSpan timeout,
        CancellationToken ct
    )
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var sw = Stopwatch.StartNew();
        try
        {
            await client.ConnectAsync(host, port, limit.Token).ConfigureAwait(false);
            return (true, $"connected in {sw.Elapsed.TotalMilliseconds:0} ms");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, $"no answer within {timeout.TotalSeconds:0} s");
        }
        catch (SocketException e)
        {
            return (false, e.Message);
        }
    }

    /// <summary>
    /// TLS handshake on a connected client. With <paramref name="caFile"/> (PEM) the server certificate must
    /// chain to it (and match <paramref name="host"/>); without, the system trust store decides.
    /// </summary>
    public static async Task<(bool Ok, string Detail)> TlsHandshakeAsync(
        TcpClient client,
        string host,
        string? caFile,
        TimeSpan timeout,
        CancellationToken ct
    )
    {
        X509Certificate2Collection? roots = null;
        if (!string.IsNullOrEmpty(caFile))
        {
            try
            {
                roots = [];
                roots.ImportFromPemFile(caFile);
            }
            catch (Exception e)
                when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                return (false, $"CA file {caFile}: {e.Message}");
            }
        }
        var options = new SslClientAuthenticationOptions { TargetHost = host };
        if (roots is not null)
        {
            options.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: true);
        try
        {
            await tls.AuthenticateAsClientAsync(options, limit.Token).ConfigureAwait(false);
            return (true, $"TLS {tls.SslProtocol} handshake ok, server {tls.RemoteCertificate?.Subject}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, $"TLS handshake did not finish within {timeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return (false, "TLS handshake failed: " + e.Message);
        }
    }
}
