using Kavach.Edge.Configuration;

namespace Kavach.Central.Configuration;

/// <summary><c>Http</c> section: the fleet API and page (<c>/api/fleet</c>, <c>/api/devices/{id}/alerts</c>, <c>/health</c>,
/// <c>/metrics</c>).</summary>
public sealed class HttpOptions
{
    /// <summary>Listen address (port 0: a free one). Loopback only: there is no operator authentication yet.</summary>
    public string Url { get; set; } = "http://127.0.0.1:8090";

    internal void Read(ConfigReader r)
    {
        Url = r.String("Url", Url, allowEmpty: false);
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var u) || u.Scheme != "http")
            r.Error("Url", $"must be an http:// URL, got '{Url}'");
        else if (!(u.IsLoopback || u.Host == "localhost"))
            r.Error("Url", "must be a loopback address until operators authenticate (docs/central.md)");
    }
}
