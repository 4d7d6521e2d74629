using System.Reflection;

namespace Kavach.Contracts;

/// <summary>
/// The static pages a program carries as embedded resources named <c>wwwroot/…</c> (the daemon's status page and cab
/// display, the central's fleet page): each file under its path ("/app.js") with its content type, plus the aliases
/// asked for ("/" for "/index.html"). Read once at start-up; no files to deploy.
/// </summary>
public static class EmbeddedPages
{
    /// <param name="assembly">The assembly holding the resources.</param>
    /// <param name="aliases">Extra paths for a file: (alias, file path), e.g. ("/", "/index.html").</param>
    public static Dictionary<string, (byte[] Body, string ContentType)> Load(
        Assembly assembly,
        params (string Alias, string Path)[] aliases
    )
    {
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith("wwwroot/", StringComparison.Ordinal))
                continue;
            using var s = assembly.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            var path = name["wwwroot".Length..];
            files[path] = (ms.ToArray(), ContentType(path));
        }
        foreach (var (alias, path) in aliases)
            if (files.TryGetValue(path, out var f))
                files[alias] = f;
        return files;
    }

    /// <summary>The content type of a page file by its extension.</summary>
    public static string ContentType(string path) =>
        Path.GetExtension(path) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
}
