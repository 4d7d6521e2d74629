using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kavach.Edge.Configuration;

/// <summary>
/// <c>Api</c> section: the local REST/WebSocket API and the technician's status page. Bound to
/// loopback it needs no key; bound beyond loopback a key file is required, and so is HTTPS unless
/// <see cref="AllowInsecureHttp"/> (refused at start-up otherwise). Requests must name an allowed host
/// (<see cref="AllowedHosts"/>): a DNS-rebinding page's Host is refused before any key is looked at.
/// </summary>
public sealed class ApiOptions
{
    /// <summary>Shortest key accepted from <see cref="KeyFile"/>: a key must not be guessable.</summary>
    public const int MinKeyLength = 16;

    /// <summary>Run the API and the status page (false: no listening socket at all).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Listen URLs, several separated by ';'. The host is an IP address, <c>localhost</c>, or
    /// <c>*</c>/<c>+</c>/<c>0.0.0.0</c>/<c>[::]</c> (every interface); port 0 = the system picks.
    /// </summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>A file holding the API key (one line). Required when any URL binds beyond loopback; when set, every client needs the
    /// key.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Certificate for https:// URLs: a PFX/PKCS#12 file (no password), or a PEM certificate with
    /// <see cref="CertKeyFile"/>.</summary>
    public string CertFile { get; set; } = "";

    /// <summary>The PEM private key of <see cref="CertFile"/> ("" for a PFX).</summary>
    public string CertKeyFile { get; set; } = "";

    /// <summary>
    /// Let the API key travel over plain http:// beyond loopback (anyone on that network can read it).
    /// false: such a URL is refused at start-up; bind https:// with <see cref="CertFile"/> instead.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>
    /// Host names (or addresses) requests may name in their Host header, besides the loopback names
    /// (localhost, 127.0.0.1, [::1]) and the hosts of <see cref="Urls"/>; several separated by ';', no
    /// port (any port is accepted). Needed when the page is reached by a DNS name.
    /// </summary>
    public string AllowedHosts { get; set; } = "";

    /// <summary>How long a status-page session (the cookie traded for the key) lasts, hours.</summary>
    public int SessionHours { get; set; } = 12;

    /// <summary>The key read from <see cref="KeyFile"/> (null: no key configured, loopback only).</summary>
    internal string? Key { get; private set; }

    /// <summary>The certificate loaded from <see cref="CertFile"/> (null when none is configured).</summary>
    internal X509Certificate2? Certificate { get; private set; }

    /// <summary>The <see cref="AllowedHosts"/> entries, lower case, IPv6 without brackets.</summary>
    internal IReadOnlyList<string> ExtraHosts { get; private set; } = [];

    /// <summary>The parsed listen URLs.</summary>
    internal IReadOnlyList<Uri> ParsedUrls { get; private set; } = [];

    /// <summary>True when every URL binds a loopback address only.</summary>
    internal bool LoopbackOnly => ParsedUrls.All(IsLoopback);

    internal void Read(ConfigReader r)
    {
        Enabled = r.Bool("Enabled", Enabled);
        Urls = r.String("Urls", Urls, allowEmpty: false);
        KeyFile = r.String("KeyFile", KeyFile);
        CertFile = r.String("CertFile", CertFile);
        CertKeyFile = r.String("CertKeyFile", CertKeyFile);
        AllowInsecureHttp = r.Bool("AllowInsecureHttp", AllowInsecureHttp);
        AllowedHosts = r.String("AllowedHosts", AllowedHosts);
        SessionHours = r.Int("SessionHours", SessionHours, 1, 24 * 30);
        ExtraHosts = ReadHosts(r);

        var urls = new List<Uri>();
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (
                !Uri.TryCreate(
                    url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal),
                    UriKind.Absolute,
                    out var u
                ) || (u.Scheme != "http" && u.Scheme != "https")
            )
                r.Error("Urls", $"'{url}' is not an http:// or https:// URL");
            else if (u.AbsolutePath != "/" || u.Query.Length > 0)
                r.Error("Urls", $"'{url}' must not have a path (the API serves from /)");
            else if (!u.IsLoopback && u.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6))
                r.Error("Urls", $"'{url}': the host must be an IP address, localhost, or * for every interface");
            else
                urls.Add(u);
        }
        if (urls.Count == 0 && !r.Errors.Exists(e => e.StartsWith(r.KeyPath("Urls"), StringComparison.Ordinal)))
            r.Error("Urls", "no URL given");
        ParsedUrls = urls;

        if (KeyFile.Length > 0)
            Key = ReadKey(r);
        if (Enabled && Key is null && !LoopbackOnly && !r.Errors.Exists(e => e.StartsWith(r.KeyPath("KeyFile"), StringComparison.Ordinal)))
            r.Error(
                "KeyFile",
                $"required: Api.Urls '{Urls}' binds beyond loopback, and the API must not be open to the network without a key "
                    + "(put a key of at least 16 characters in a file only the daemon can read, or bind 127.0.0.1)"
            );
        if (Enabled && KeyFile.Length > 0 && !AllowInsecureHttp)
            foreach (var u in urls.Where(u => u.Scheme == "http" && !IsLoopback(u)))
                r.Error(
                    "Urls",
                    $"'{u.GetLeftPart(UriPartial.Authority)}' would send the API key in clear text beyond loopback: bind https:// "
                        + "(Api.CertFile and Api.CertKeyFile; the Debian package makes a self-signed pair), or set Api.AllowInsecureHttp true to accept that"
                );

        var https = urls.Exists(u => u.Scheme == "https");
        if (CertFile.Length > 0)
            Certificate = ReadCertificate(r);
        else if (CertKeyFile.Length > 0)
            r.Error("CertKeyFile", "given without Api.CertFile");
        if (Enabled && https && CertFile.Length == 0)
            r.Error("CertFile", "required: Api.Urls has an https:// URL");
    }

    private List<string> ReadHosts(ConfigReader r)
    {
        var hosts = new List<string>();
        foreach (var entry in AllowedHosts.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var h = entry.ToLowerInvariant().TrimEnd('.');
            if (h.StartsWith('[') && h.EndsWith(']'))
                h = h[1..^1];
            if (Uri.CheckHostName(h) == UriHostNameType.Unknown || h.Contains('*', StringComparison.Ordinal))
                r.Error("AllowedHosts", $"'{entry}' is not a host name or an address (no scheme, no port, no wildcard)");
            else
                hosts.Add(h);
        }
        return hosts;
    }

    private string? ReadKey(ConfigReader r)
    {
        SecretFile.Check(r, "KeyFile", KeyFile);
        string text;
        try
        {
            text = File.ReadAllText(KeyFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            r.Error("KeyFile", $"cannot read '{KeyFile}': {e.Message}");
            return null;
        }
        if (text.Length < MinKeyLength || text.Any(char.IsWhiteSpace))
        {
            r.Error("KeyFile", $"'{KeyFile}' must hold one key of at least {MinKeyLength} characters without spaces");
            return null;
        }
        return text;
    }

    private X509Certificate2? ReadCertificate(ConfigReader r)
    {
        // A PFX holds its private key: then it is the secret; with a PEM pair, the key file is.
        SecretFile.Check(r, CertKeyFile.Length > 0 ? "CertKeyFile" : "CertFile", CertKeyFile.Length > 0 ? CertKeyFile : CertFile);
        try
        {
            if (CertKeyFile.Length > 0)
                return X509Certificate2.CreateFromPemFile(CertFile, CertKeyFile);
            var bytes = File.ReadAllBytes(CertFile);
            if (bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0)
            {
                r.Error("CertKeyFile", "required: Api.CertFile is a PEM certificate; give its private key file");
                return null;
            }
            return X509CertificateLoader.LoadPkcs12(bytes, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            r.Error(
                "CertFile",
                $"cannot load the certificate '{CertFile}'{(CertKeyFile.Length > 0 ? $" with key '{CertKeyFile}'" : "")}: {e.Message}"
            );
            return null;
        }
    }

    /// <summary>True for 127.0.0.0/8, ::1 and localhost.</summary>
    internal static bool IsLoopback(Uri u) =>
        u.IsLoopback || (IPAddress.TryParse(u.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
