using Microsoft.AspNetCore.Http;

namespace Kavach.Central.Hosting;

/// <summary>
/// The control room's fleet page (/): static HTML, CSS and JS embedded in the assembly (Web/wwwroot; no build step, no
/// files to deploy), as the daemon's status page. It holds no data itself: it polls /api/fleet and
/// /api/devices/{id}/alerts.
/// </summary>
public static class FleetPage
{
    private static readonly Dictionary<string, (byte[] Body, string ContentType)> Files = Contracts.EmbeddedPages.Load(
        typeof(FleetPage).Assembly,
        ("/", "/index.html")
    );

    /// <summary>Every path served: each file under its name, and "/" for index.html.</summary>
    public static IEnumerable<string> Paths => Files.Keys;

    public static IResult Get(HttpContext http, string path)
    {
        if (!Files.TryGetValue(path, out var f))
            return Results.NotFound();
        http.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(f.Body, f.ContentType);
    }
}
