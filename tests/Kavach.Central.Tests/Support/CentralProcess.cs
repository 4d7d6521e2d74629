using System.Text.Json;
using Kavach.Edge.Tests.Support;

namespace Kavach.Central.Tests.Support;

/// <summary>A real kavach-central (the built kavach-central.dll next to the tests) run with <c>dotnet</c>.</summary>
public sealed class CentralProcess(IEnumerable<string> args)
    : DotnetProcess("kavach-central", Path.Combine(AppContext.BaseDirectory, "kavach-central.dll"), args)
{
    /// <summary>Writes a configuration for <paramref name="broker"/> and <paramref name="connectionString"/> into <paramref name="dir"/>;
    /// <paramref name="extra"/> adds or replaces top-level sections.</summary>
    public static string WriteConfig(
        TempDir dir,
        int brokerPort,
        string connectionString,
        string clientId,
        string name = "central.json",
        Action<Dictionary<string, object>>? extra = null
    )
    {
        var config = new Dictionary<string, object>
        {
            ["Database"] = new Dictionary<string, object>
            {
                ["ConnectionString"] = connectionString,
                ["RetryMinMs"] = 50,
                ["RetryMaxMs"] = 500,
            },
            ["Mqtt"] = new Dictionary<string, object>
            {
                ["Port"] = brokerPort,
                ["ClientId"] = clientId,
                ["ReconnectMinMs"] = 50,
                ["ReconnectMaxMs"] = 500,
            },
            ["Http"] = new Dictionary<string, object> { ["Url"] = "http://127.0.0.1:0" },
        };
        extra?.Invoke(config);
        var path = dir.File(name);
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }
}
