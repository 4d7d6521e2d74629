using System.Text.Json;

namespace Kavach.Edge.Api;

/// <summary>
/// The parts of a stored alert payload (<c>events.payload</c>, written by <see cref="Storage.AlertJson"/>) an incident report
/// shows: the safety floor's view, the model's view and each sensor's health. Read with <see cref="JsonDocument"/> (no
/// reflection). A missing or unreadable payload (a v1 row) gives nulls and no sensors: the columns still give the level.
/// </summary>
internal sealed record IncidentPayload(IncidentFloor? Floor, IncidentModel? Model, IReadOnlyList<IncidentSensor> Sensors)
{
    private static readonly IncidentPayload None = new(null, null, []);

    public static IncidentPayload Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return None;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return None;
            IncidentFloor? floor = null;
            if (root.TryGetProperty("floor", out var f) && f.ValueKind == JsonValueKind.Object)
                floor = new IncidentFloor(
                    Str(f, "level") ?? "?",
                    Strings(f, "reasons"),
                    Str(f, "visibilitySource"),
                    f.TryGetProperty("visibilityIsBound", out var b) && b.ValueKind == JsonValueKind.True
                );
            IncidentModel? model = null;
            if (root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object)
                model = new IncidentModel(
                    Str(m, "level") ?? "?",
                    Num(m, "obstacleProbability"),
                    Str(m, "fogClass"),
                    Num(m, "visibilityM"),
                    Str(m, "abstained")
                );
            var sensors = new List<IncidentSensor>();
            if (root.TryGetProperty("sensors", out var ss) && ss.ValueKind == JsonValueKind.Array)
                foreach (var x in ss.EnumerateArray())
                    if (x.ValueKind == JsonValueKind.Object)
                        sensors.Add(
                            new IncidentSensor(Str(x, "name") ?? "?", Str(x, "kind") ?? "?", Str(x, "state") ?? "?", Num(x, "ageS"))
                        );
            return new IncidentPayload(floor, model, sensors);
        }
        catch (JsonException)
        {
            return None;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static List<string> Strings(JsonElement e, string name)
    {
        var list = new List<string>();
        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
            foreach (var x in v.EnumerateArray())
                if (x.ValueKind == JsonValueKind.String)
                    list.Add(x.GetString()!);
        return list;
    }
}
