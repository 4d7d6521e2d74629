using System.Net;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Api;

/// <summary>
/// The hosts a request may name, against DNS rebinding: a page from another site whose name is made to
/// resolve to this post (or to 127.0.0.1 through a technician's SSH tunnel) reaches the API with its own
/// name in the Host header, and its Origin. Allowed: the loopback names (localhost, 127.0.0.1, [::1]), the
/// hosts of <see cref="ApiOptions.Urls"/>, and <see cref="ApiOptions.AllowedHosts"/> — with any port.
/// When a URL binds every interface (0.0.0.0, [::]) any address literal is allowed too: a browser sends an
/// address as Host only when its page came from that address itself, which a rebinding page cannot.
/// Immutable, thread-safe.
/// </summary>
public sealed class HostAllowList
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "::1"];

    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool _anyAddress;

    public HostAllowList(ApiOptions options)
    {
        _names.UnionWith(LoopbackNames);
        foreach (var u in options.ParsedUrls)
        {
            var host = u.Host.Trim('[', ']');
            if (IPAddress.TryParse(host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
                _anyAddress = true;
            else
                _names.Add(host);
        }
        _names.UnionWith(options.ExtraHosts);
    }

    /// <summary>The names allowed, for the log and for error details.</summary>
    public IReadOnlyCollection<string> Names => _names;

    /// <summary>True when a Host header value ("name", "name:port", "[v6]:port") names an allowed host.</summary>
    public bool AllowsHost(string? hostHeader)
    {
        if (string.IsNullOrEmpty(hostHeader))
            return false;
        // "http://" + Host parses name, port and IPv6 brackets as a browser would; anything else is refused.
        return Uri.TryCreate("http://" + hostHeader, UriKind.Absolute, out var u)
            && u.Authority.Length > 0
            && u.UserInfo.Length == 0
            && u.AbsolutePath == "/"
            && !hostHeader.Contains('/', StringComparison.Ordinal)
            && Allows(u.Host);
    }

    /// <summary>True when an Origin header value ("http://name:port") is of an allowed host; "null" and other schemes are not.</summary>
    public bool AllowsOrigin(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var o) && (o.Scheme == "http" || o.Scheme == "https") && Allows(o.Host);

    private bool Allows(string host)
    {
        host = host.Trim('[', ']').TrimEnd('.');
        if (_names.Contains(host))
            return true;
        return _anyAddress && Uri.CheckHostName(host) is UriHostNameType.IPv4 or UriHostNameType.IPv6;
    }
}
