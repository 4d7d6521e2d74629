using System.Text;
using System.Text.Json;

namespace Kavach.Edge.Storage;

/// <summary>Small reflection-free JSON helpers for stored columns.</summary>
public static class JsonText
{
    /// <summary>A JSON array of strings.</summary>
    public static string Array(IEnumerable<string> items)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartArray();
            foreach (var i in items)
                w.WriteStringValue(i);
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    /// <summary>Reads back a JSON array of strings.</summary>
    public static List<string> ParseArray(string json)
    {
        var list = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        while (reader.Read())
            if (reader.TokenType == JsonTokenType.String)
                list.Add(reader.GetString()!);
        return list;
    }
}
