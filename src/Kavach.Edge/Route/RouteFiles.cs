using Kavach.Edge.Configuration;

namespace Kavach.Edge.Route;

/// <summary>
/// Reads the route files of a <see cref="RouteOptions"/> into one <see cref="RouteMap"/> at start-up. Any problem refuses
/// the configuration: <see cref="ConfigurationRefusedException"/> (exit 2) with one line per problem, each naming the
/// file, the row (CSV line number or GeoJSON feature index) and the field.
/// </summary>
public static class RouteFiles
{
    /// <summary>At most this many problems are listed (a file of the wrong kind would give one per row).</summary>
    public const int MaxListed = 20;

    /// <summary>
    /// The route of <paramref name="options"/>; relative paths against <paramref name="configPath"/>'s folder (the
    /// current folder when it is empty). Throws <see cref="ConfigurationRefusedException"/>.
    /// </summary>
    public static RouteMap Load(RouteOptions options, string configPath)
    {
        var baseDir = string.IsNullOrEmpty(configPath)
            ? Directory.GetCurrentDirectory()
            : Path.GetDirectoryName(Path.GetFullPath(configPath))!;
        var errors = new List<string>();
        var rows = new List<Landmark>();
        for (var i = 0; i < options.Files.Count; i++)
        {
            var path = Path.IsPathRooted(options.Files[i]) ? options.Files[i] : Path.Combine(baseDir, options.Files[i]);
            rows.AddRange(Read(path, $"Route.Files[{i}]: {path}", errors));
        }
        var map = errors.Count == 0 ? RouteMap.Build(rows, errors) : null;
        if (map is not null)
            return map;
        var listed = errors.Take(MaxListed).ToList();
        if (errors.Count > MaxListed)
            listed.Add($"(and {errors.Count - MaxListed} more)");
        throw new ConfigurationRefusedException(string.Join(Environment.NewLine, listed));
    }

    /// <summary>The rows of one file by its extension; problems (including one that cannot be read) go to
    /// <paramref name="errors"/>, each beginning with <paramref name="display"/>.</summary>
    public static List<Landmark> Read(string path, string display, List<string> errors)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".csv" or ".geojson" or ".json"))
        {
            errors.Add($"{display}: unknown route file type '{ext}' (.csv, or .geojson / .json for GeoJSON)");
            return [];
        }
        try
        {
            return ext == ".csv"
                ? RouteCsv.Parse(File.ReadAllText(path), display, errors)
                : RouteGeoJson.Parse(File.ReadAllBytes(path), display, errors);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{display}: cannot read the route file: {e.Message}");
            return [];
        }
    }
}
