namespace Kavach.Edge.Tests.Sensors;

/// <summary>Configurations with one sensor under test plus whatever keeps the config valid.</summary>
internal static class SensorJson
{
    /// <summary>A config whose sensors are <paramref name="sensors"/> (JSON objects, comma separated).</summary>
    public static string Config(string sensors, string risk = "") =>
        $$"""
            {
              "Device": { "Id": "test-unit" },
              "Sensors": [ {{sensors}} ],
              {{(risk.Length > 0 ? $"\"Risk\": {{ {risk} }}," : "")}}
              "Logging": { "File": "" }
            }
            """;

    public static string Listen(string name, string kind, string protocol, string extra = "") =>
        $$"""{ "Name": "{{name}}", "Kind": "{{kind}}", "Protocol": "{{protocol}}", {{extra}} "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }""";
}
