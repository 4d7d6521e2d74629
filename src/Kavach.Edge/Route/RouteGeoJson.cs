using System.Text.Json;

namespace Kavach.Edge.Route;

/// <summary>
/// The GeoJSON form of a route file (RFC 7946; docs/route.md, docs/schemas/route.schema.json): a FeatureCollection of
/// Point features, coordinates [longitude, latitude] (an altitude is ignored), the row's fields in the properties under
/// the CSV's column names. Read with <see cref="JsonDocument"/>: no reflection, trim- and AOT-safe.
/// </summary>
public static class RouteGeoJson
{
    private static readonly string[] Properties =
    [
        RouteRow.KindField,
        RouteRow.NameField,
        RouteRow.LineField,
        RouteRow.DirectionField,
        RouteRow.KmField,
        RouteRow.SpeedField,
    ];

    /// <summary>The features of <paramref name="utf8"/>; each problem is one line in <paramref name="errors"/> beginning with
    /// <paramref name="file"/> and the feature's index.</summary>
    public static List<Landmark> Parse(ReadOnlyMemory<byte> utf8, string file, List<string> errors)
    {
        var result = new List<Landmark>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(
                utf8,
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }
            );
        }
        catch (JsonException e)
        {
            errors.Add($"{file} line {e.LineNumber + 1}: not valid JSON: {e.Message}");
            return result;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (
                root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type)
                || type.ValueKind != JsonValueKind.String
                || type.GetString() != "FeatureCollection"
            )
            {
                errors.Add($"{file}: must be a GeoJSON FeatureCollection (an object with \"type\": \"FeatureCollection\")");
                return result;
            }
            if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{file}, field features: must be an array of Point features");
                return result;
            }
            var index = 0;
            foreach (var feature in features.EnumerateArray())
            {
                var landmark = Feature(feature, $"{file} features[{index}]", errors);
                if (landmark is not null)
                    result.Add(landmark);
                index++;
            }
        }
        return result;
    }

    private static Landmark? Feature(JsonElement feature, string at, List<string> errors)
    {
        if (feature.ValueKind != JsonValueKind.Object || Text(feature, "type") != "Feature")
        {
            errors.Add($"{at}, field type: must be a Feature object");
            return null;
        }
        var before = errors.Count;
        // infinite: already reported here (the row checks then say nothing more of lat and lon)
        double lat = double.PositiveInfinity,
            lon = double.PositiveInfinity;
        if (
            !feature.TryGetProperty("geometry", out var geometry)
            || geometry.ValueKind != JsonValueKind.Object
            || Text(geometry, "type") != "Point"
        )
            errors.Add($"{at}, field geometry: must be a Point (each landmark is one point; a line's shape is given by track points)");
        else if (
            !geometry.TryGetProperty("coordinates", out var c)
            || c.ValueKind != JsonValueKind.Array
            || c.GetArrayLength() < 2
            || c[0].ValueKind != JsonValueKind.Number
            || c[1].ValueKind != JsonValueKind.Number
        )
            errors.Add($"{at}, field coordinates: must be [longitude, latitude] in degrees");
        else
        {
            lon = c[0].GetDouble();
            lat = c[1].GetDouble();
        }

        if (!feature.TryGetProperty("properties", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{at}, field properties: must be an object ({string.Join(", ", Properties)})");
            return null;
        }
        foreach (var property in p.EnumerateObject())
            if (!Properties.Contains(property.Name))
                errors.Add($"{at}, field {property.Name}: unknown property (the properties are {string.Join(", ", Properties)})");
        var landmark = RouteRow.Build(
            at,
            String(p, RouteRow.KindField, at, errors),
            String(p, RouteRow.NameField, at, errors),
            lat,
            lon,
            String(p, RouteRow.LineField, at, errors),
            String(p, RouteRow.DirectionField, at, errors),
            Number(p, RouteRow.KmField, at, errors),
            Number(p, RouteRow.SpeedField, at, errors),
            errors
        );
        return errors.Count == before ? landmark : null;
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // absent or null: absent; anything but a string: an error
    private static string? String(JsonElement o, string name, string at, List<string> errors)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        if (v.ValueKind == JsonValueKind.String)
            return v.GetString();
        errors.Add($"{at}, field {name}: must be a string, got {v.ValueKind.ToString().ToLowerInvariant()}");
        return null;
    }

    // absent or null: NaN; a non-number: reported here, infinite so the row checks do not report it again
    private static double Number(JsonElement o, string name, string at, List<string> errors)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return double.NaN;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d))
            return d;
        errors.Add($"{at}, field {name}: must be a number, got {v.ValueKind.ToString().ToLowerInvariant()}");
        return double.PositiveInfinity;
    }
}
