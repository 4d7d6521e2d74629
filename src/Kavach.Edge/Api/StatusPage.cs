using Microsoft.AspNetCore.Http;

namespace Kavach.Edge.Api;

/// <summary>
/// The technician's status page (/) and the cab display (/cab, docs/cab-display.md): static HTML, CSS and JS embedded
/// in the assembly (Api/wwwroot; no build step, no files to deploy). They hold no data themselves — they fetch
/// /api/status and listen on /ws/alerts (live.js, shared) — so they are served without the key; a page asks for the
/// key when the API answers 401.
/// </summary>
public static class StatusPage
{
    private static readonly Dictionary<string, (byte[] Body, string ContentType)> Files = Contracts.EmbeddedPages.Load(
        typeof(StatusPage).Assembly,
        ("/", "/index.html"),
        ("/cab", "/cab.html")
    );

    /// <summary>Every path served: each file under its name, and "/" and "/cab" for index.html and cab.html.</summary>
    public static IEnumerable<string> Paths => Files.Keys;

    public static bool Serves(PathString path) => path.HasValue && Files.ContainsKey(path.Value!);

    public static IResult Get(PathString path) =>
        Files.TryGetValue(path.Value ?? "/", out var f) ? Results.Bytes(f.Body, f.ContentType) : Results.NotFound();
}
