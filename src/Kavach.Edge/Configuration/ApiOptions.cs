namespace Kavach.Edge.Configuration;

/// <summary><c>Api</c> section: the local REST/WebSocket API and status page.</summary>
public sealed class ApiOptions
{
    /// <summary>Listen URLs, several separated by ';'.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    internal void Read(ConfigReader r)
    {
        Urls = r.String("Urls", Urls, allowEmpty: false);
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
                r.Error("Urls", $"'{url}' is not an http:// or https:// URL");
        }
    }
}
