using System.Text.Json;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// A small JSON Schema checker for the parts our schemas use: type (incl. arrays of types and null),
/// required, properties, additionalProperties: false, items, enum, const. Returns one line per problem.
/// </summary>
public static class SchemaCheck
{
    public static List<string> Validate(string schemaPath, string json)
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(schemaPath));
        using var doc = JsonDocument.Parse(json);
        var errors = new List<string>();
        Check(schema.RootElement, doc.RootElement, "$", errors);
        return errors;
    }

    private static void Check(JsonElement s, JsonElement v, string path, List<string> errors)
    {
        if (s.TryGetProperty("const", out var c) && !JsonElement.DeepEquals(c, v))
            errors.Add($"{path}: must be {c}");
        if (s.TryGetProperty("enum", out var en) && !en.EnumerateArray().Any(e => JsonElement.DeepEquals(e, v)))
            errors.Add($"{path}: {v} not in {en}");
        if (s.TryGetProperty("type", out var t))
        {
            var types = t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(x => x.GetString()!).ToList() : [t.GetString()!];
            if (!types.Any(x => Is(x, v)))
            {
                errors.Add($"{path}: expected {string.Join("|", types)}, got {v.ValueKind}");
                return;
            }
        }
        if (v.ValueKind == JsonValueKind.Object)
        {
            if (s.TryGetProperty("required", out var req))
                foreach (var r in req.EnumerateArray())
                    if (!v.TryGetProperty(r.GetString()!, out _))
                        errors.Add($"{path}.{r.GetString()}: required");
            var props = s.TryGetProperty("properties", out var p) ? p : default;
            foreach (var member in v.EnumerateObject())
            {
                if (props.ValueKind == JsonValueKind.Object && props.TryGetProperty(member.Name, out var ps))
                    Check(ps, member.Value, $"{path}.{member.Name}", errors);
                else if (s.TryGetProperty("additionalProperties", out var ap) && ap.ValueKind == JsonValueKind.False)
                    errors.Add($"{path}.{member.Name}: not in the schema");
            }
        }
        if (v.ValueKind == JsonValueKind.Array && s.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var e in v.EnumerateArray())
                Check(items, e, $"{path}[{i++}]", errors);
        }
    }

    private static bool Is(string type, JsonElement v) =>
        type switch
        {
            "object" => v.ValueKind == JsonValueKind.Object,
            "array" => v.ValueKind == JsonValueKind.Array,
            "string" => v.ValueKind == JsonValueKind.String,
            "number" => v.ValueKind == JsonValueKind.Number,
            "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
            "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => v.ValueKind == JsonValueKind.Null,
            _ => false,
        };
}
