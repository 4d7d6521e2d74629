using System.Text;
using Kavach.Edge.Configuration;
using Microsoft.Extensions.Configuration;

namespace Kavach.Edge.Tests.Support;

/// <summary>Builds validated options from JSON text, the way the daemon reads its file.</summary>
public static class TestConfig
{
    /// <summary>A minimal valid configuration: one LiDAR, one radar, one optional camera on loopback port 0.</summary>
    public const string Minimal = """
        {
          "Device": { "Id": "test-unit" },
          "Sensors": [
            { "Name": "lidar", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 },
              "BaselineStrength": 2000, "BaselineRangeM": 60 },
            { "Name": "radar", "Kind": "radar", "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } },
            { "Name": "camera", "Kind": "camera", "Required": false, "Transport": { "Type": "tcp-listen", "Host": "127.0.0.1", "Port": 0 } }
          ],
          "Logging": { "File": "" }
        }
        """;

    public static IConfiguration Build(string json, IDictionary<string, string?>? overrides = null)
    {
        var b = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        if (overrides is not null)
            b.AddInMemoryCollection(overrides);
        return b.Build();
    }

    /// <param name="protocols">The registry the sensors' Protocol is read against (null: the built-in one).</param>
    public static (KavachOptions Options, List<string> Errors) Bind(
        string json,
        IDictionary<string, string?>? overrides = null,
        Kavach.Edge.Sensors.Protocols.ProtocolRegistry? protocols = null
    )
    {
        var errors = new List<string>();
        var o = KavachOptions.Bind(Build(json, overrides), errors, protocols: protocols);
        return (o, errors);
    }

    /// <summary>Valid options or a failed test listing the errors.</summary>
    public static KavachOptions Valid(
        string json = Minimal,
        IDictionary<string, string?>? overrides = null,
        Kavach.Edge.Sensors.Protocols.ProtocolRegistry? protocols = null
    )
    {
        var (o, errors) = Bind(json, overrides, protocols);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return o;
    }
}
