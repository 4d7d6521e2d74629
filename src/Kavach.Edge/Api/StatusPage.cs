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

    // each file gzipped once at start-up (they hold no secret, so compression leaks nothing): a first load is about a third
    // of its raw size on a slow link (docs/benchmarks/api.md, "Page weight")
    private static readonly Dictionary<string, byte[]> Gzipped = Files.ToDictionary(kv => kv.Key, kv => Gzip(kv.Value.Body));

    public static IResult Get(PathString path) => Get(path, acceptsGzip: false);

    /// <summary>The file at <paramref name="path"/>, gzipped when the client accepts it (Content-Encoding: gzip).</summary>
    public static IResult Get(HttpContext http, PathString path)
    {
        var accepts = http.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        http.Response.Headers.Vary = "Accept-Encoding";
        if (accepts && Files.ContainsKey(path.Value ?? "/"))
            http.Response.Headers.ContentEncoding = "gzip";
        return Get(path, accepts);
    }

    private static IResult Get(PathString path, bool acceptsGzip) =>
        Files.TryGetValue(path.Value ?? "/", out var f)
            ? Results.Bytes(acceptsGzip ? Gzipped[path.Value ?? "/"] : f.Body, f.ContentType)
            : Results.NotFound();

    private static byte[] Gzip(byte[] body)
    {
        using var ms = new MemoryStream();
        using (var z = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.SmallestSize))
            z.Write(body);
        return ms.ToArray();
    }
}
