using Kavach.Edge.Configuration;

namespace Kavach.Central.Configuration;

/// <summary><c>Http</c> section: the fleet API and page (<c>/api/fleet</c>, <c>/api/devices/{id}/alerts</c>, <c>/health</c>,
/// <c>/metrics</c>), the commands and the audit.</summary>
public sealed class HttpOptions
{
    /// <summary>Listen address (port 0: a free one). Loopback only: plain HTTP would carry the operators' keys in clear,
    /// and the fleet views need no key; put a TLS reverse proxy in front for the control room (docs/central.md).</summary>
    public string Url { get; set; } = "http://127.0.0.1:8090";

    internal void Read(ConfigReader r)
    {
        Url = r.String("Url", Url, allowEmpty: false);
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var u) || u.Scheme != "http")
            r.Error("Url", $"must be an http:// URL, got '{Url}'");
        else if (!(u.IsLoopback || u.Host == "localhost"))
            r.Error("Url", "must be a loopback address: plain HTTP; put a TLS reverse proxy in front (docs/central.md)");
    }
}
