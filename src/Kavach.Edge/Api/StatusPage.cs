using Microsoft.AspNetCore.Http;

namespace Kavach.Edge.Api;

/// <summary>
/// The technician's status page: static HTML, CSS and JS embedded in the assembly (Api/wwwroot; no build
/// step, no files to deploy). It holds no data itself — it fetches /api/status and listens on /ws/alerts —
/// so it is served without the key; the page asks for the key when the API answers 401.
/// </summary>
public static class StatusPage
{
    private static readonly Dictionary<string, (byte[] Body, string ContentType)> Files = Load();

    public static bool Serves(PathString path) => path.HasValue && Files.ContainsKey(path.Value!);

    public static IResult Get(PathString path) =>
        Files.TryGetValue(path.Value ?? "/", out var f) ? Results.Bytes(f.Body, f.ContentType) : Results.NotFound();

    private static Dictionary<string, (byte[], string)> Load()
    {
        var asm = typeof(StatusPage).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in asm.GetManifestResourceNames())
        {
            if (!name.StartsWith("wwwroot/", StringComparison.Ordinal))
                continue;
            using var s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var path = name["wwwroot".Length..];
            var type = Path.GetExtension(path) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            files[path] = (ms.ToArray(), type);
            if (path == "/index.html")
                files["/"] = (ms.ToArray(), type);
        }
        return files;
    }
}
