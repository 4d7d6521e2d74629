using System.Security.Cryptography;
using System.Text;
using Kavach.Edge.Sensors.Protocols;
using Kavach.Protocols;
using Microsoft.Extensions.Configuration;

namespace Kavach.Edge.Configuration;

/// <summary>The whole configuration: one JSON file plus <c>KAVACH_Section__Key</c> environment overrides.</summary>
public sealed class KavachOptions
{
    /// <summary>Prefix of environment overrides (<c>KAVACH_Risk__StoppingDistanceM=200</c>).</summary>
    public const string EnvironmentPrefix = "KAVACH_";

    public DeviceOptions Device { get; } = new();
    public List<SensorOptions> Sensors { get; } = [];
    public FusionOptions Fusion { get; } = new();
    public RiskOptions Risk { get; } = new();
    public ModelOptions Model { get; } = new();
    public StorageOptions Storage { get; } = new();
    public AlarmOptions Alarm { get; } = new();
    public UplinkOptions Uplink { get; } = new();
    public ApiOptions Api { get; } = new();
    public LoggingOptions Logging { get; } = new();
    public CommissioningOptions Commissioning { get; } = new();
    public TrainOptions Train { get; } = new();
    public RouteOptions Route { get; } = new();

    /// <summary>Where the configuration came from (for the log).</summary>
    public string Source { get; private set; } = "";

    /// <summary>SHA-256 (first 16 hex digits) of the effective configuration: every event carries it.</summary>
    public string ConfigHash { get; private set; } = "";

    /// <summary>SHA-256 (first 16 hex digits) of the commissioning record the daemon loaded, null when not
    /// commissioned (Commissioning/CommissioningState sets it): every event carries it beside the config hash.</summary>
    public string? CommissioningHash { get; internal set; }

    /// <summary>The config file to read: <paramref name="explicitPath"/>, else ./kavach.json when present, else
    /// /etc/kavach/kavach.json.</summary>
    public static string ResolvePath(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
            return explicitPath;
        return File.Exists("kavach.json") ? Path.GetFullPath("kavach.json") : "/etc/kavach/kavach.json";
    }

    /// <summary>Loads and validates; on any problem returns null and one line per problem in <paramref name="errors"/>.</summary>
    public static KavachOptions? Load(string path, IDictionary<string, string?>? environment, out List<string> errors)
    {
        errors = [];
        if (!File.Exists(path))
        {
            errors.Add(
                $"{path}: configuration file not found (give --config PATH, or create ./kavach.json or /etc/kavach/kavach.json; deploy/kavach.example.json documents every key)"
            );
            return null;
        }
        IConfigurationRoot root;
        try
        {
            var builder = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
            if (environment is not null)
            {
                var overrides = environment
                    .Where(kv => kv.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                    .Select(kv => new KeyValuePair<string, string?>(kv.Key[EnvironmentPrefix.Length..].Replace("__", ":"), kv.Value));
                builder.AddInMemoryCollection(overrides);
            }
            root = builder.Build();
        }
        catch (Exception e)
            when (e
                    is FormatException
                        or InvalidDataException
                        or IOException
                        or UnauthorizedAccessException
                        or System.Text.Json.JsonException
            )
        {
            errors.Add($"{path}: cannot read the configuration: {e.Message}{(e.InnerException is { } inner ? " " + inner.Message : "")}");
            return null;
        }
        var options = Bind(root, errors, UnderSystemd());
        if (errors.Count > 0)
            return null;
        options.Source = Path.GetFullPath(path);
        return options;
    }

    /// <summary>Binds and validates an already-built configuration (tests, the demo).</summary>
    /// <param name="protocols">The wire formats a sensor may name (null: <see cref="ProtocolRegistry.BuiltIn"/>).</param>
    public static KavachOptions Bind(
        IConfiguration root,
        List<string> errors,
        bool underSystemd = false,
        ProtocolRegistry? protocols = null
    )
    {
        var o = new KavachOptions();
        using (var r = new ConfigReader(root, "", errors))
        {
            r.Section("Device", s => o.Device.Read(s));
            var names = new List<string>();
            r.Array("Sensors", (s, _) =>
            {
                var sensor = new SensorOptions();
                sensor.Read(s, names, protocols ?? ProtocolRegistry.BuiltIn, o.Device.Mode);
                o.Sensors.Add(sensor);
            });
            r.Section("Fusion", s => o.Fusion.Read(s));
            r.Section("Risk", s => o.Risk.Read(s));
            r.Section("Model", s => o.Model.Read(s));
            r.Section("Storage", s => o.Storage.Read(s, underSystemd));
            r.Section("Alarm", s => o.Alarm.Read(s));
            r.Section("Uplink", s => o.Uplink.Read(s));
            r.Section("Api", s => o.Api.Read(s));
            r.Section("Logging", s => o.Logging.Read(s, underSystemd));
            r.Section("Commissioning", s => o.Commissioning.Read(s));
            if (r.Has("Train"))
                r.Section("Train", s => o.Train.Read(s, o.Device.Mode));
            else
                r.Seen("Train");
            if (r.Has("Route"))
                r.Section("Route", s => o.Route.Read(s, o.Device.Mode));
            else
                r.Seen("Route");
        }
        if (o.Device.Mode == DeviceMode.Locomotive)
        {
            if (!o.Train.Present)
                errors.Add(TrainOptions.MissingSection);
            // the cab's floor needs the train's speed and at least one forward sensor with a known reach
            foreach (var radar in o.Sensors.Where(x => x.Kind == SensorKind.Radar))
                radar.LateralGateM = o.Train.CorridorHalfWidthM;
            if (!o.Sensors.Any(x => x.Kind == SensorKind.Gnss))
                errors.Add(
                    "Sensors: Device.Mode locomotive needs a gnss sensor (Kind gnss, Protocol nmea) for the train's own speed (docs/locomotive.md)"
                );
            if (!o.Sensors.Any(x => x.Kind is SensorKind.Lidar or SensorKind.Radar && x.MaxRangeM > 0))
                errors.Add(
                    "Sensors: Device.Mode locomotive needs a lidar or radar sensor with a known reach (MaxRangeM): the stop-within-sight speed is computed from it"
                );
        }
        o.CrossCheck(errors);
        o.ConfigHash = Hash(root);
        return o;
    }

    private void CrossCheck(List<string> errors)
    {
        if (Sensors.Count == 0)
            errors.Add("Sensors: at least one sensor is required");
        else if (!Sensors.Any(s => s.Required))
            errors.Add("Sensors: no sensor is Required; a unit that needs no sensor cannot vouch for the track");

        // Several json-lines sensors may share one tcp-listen port (the original design's port 9000):
        // lines are routed by their "sensor" field, so two of one kind cannot share.
        for (var i = 0; i < Sensors.Count; i++)
        {
            var a = Sensors[i];
            if (a.Transport.Type != TransportType.TcpListen || a.Transport.Port == 0)
                continue;
            for (var j = 0; j < i; j++)
            {
                var b = Sensors[j];
                if (b.Transport.Type != TransportType.TcpListen || b.Transport.Port != a.Transport.Port)
                    continue;
                if (!a.Protocol.RoutesByKind || b.Protocol != a.Protocol)
                    errors.Add(
                        $"Sensors[{i}].Transport.Port: {a.Transport.Port} is already used by Sensors[{j}]; only json-lines sensors may share a listening port"
                    );
                else if (a.Kind == b.Kind)
                    errors.Add(
                        $"Sensors[{i}].Transport.Port: {a.Transport.Port} is shared with Sensors[{j}] of the same Kind; lines are routed by kind, so give each its own port"
                    );
                else if (!string.Equals(a.Transport.Host, b.Transport.Host, StringComparison.OrdinalIgnoreCase))
                    errors.Add(
                        $"Sensors[{i}].Transport.Host: sensors sharing port {a.Transport.Port} must bind the same Host as Sensors[{j}]"
                    );
                else if (!a.Transport.AllowedClients.SameAs(b.Transport.AllowedClients))
                    errors.Add(
                        $"Sensors[{i}].Transport.AllowedClients: sensors sharing port {a.Transport.Port} must allow the same clients as Sensors[{j}] ({b.Transport.AllowedClients})"
                    );
            }
        }
        CrossCheckMqtt(errors);
    }

    // MQTT sensors on one broker subscribing the same Topic get the same messages: only json-lines sensors of
    // different kinds may share a topic (routed by the line's "sensor" field or the topic's last level).
    private void CrossCheckMqtt(List<string> errors)
    {
        for (var i = 0; i < Sensors.Count; i++)
        {
            var a = Sensors[i];
            if (a.Transport.Type != TransportType.Mqtt)
                continue;
            for (var j = 0; j < i; j++)
            {
                var b = Sensors[j];
                if (
                    b.Transport.Type != TransportType.Mqtt
                    || b.Transport.Port != a.Transport.Port
                    || !string.Equals(a.Transport.Host, b.Transport.Host, StringComparison.OrdinalIgnoreCase)
                )
                    continue;
                // one client (one session, client id <Device.Id>-sensors) per broker: one set of TLS and credentials
                if (!MqttSecurityKeys.Same(a.Transport, b.Transport))
                    errors.Add(
                        $"Sensors[{i}].Transport: sensors on broker {a.Transport.Host}:{a.Transport.Port} share one client, so Tls, CaFile, CertFile, KeyFile, Username and PasswordFile must match Sensors[{j}]"
                    );
                if (b.Transport.Topic != a.Transport.Topic)
                    continue;
                if (!a.Protocol.RoutesByKind || b.Protocol != a.Protocol)
                    errors.Add(
                        $"Sensors[{i}].Transport.Topic: '{a.Transport.Topic}' is already used by Sensors[{j}] on the same broker; only json-lines sensors may share a topic"
                    );
                else if (a.Kind == b.Kind)
                    errors.Add(
                        $"Sensors[{i}].Transport.Topic: '{a.Transport.Topic}' is shared with Sensors[{j}] of the same Kind; give each its own topic"
                    );
            }
        }
    }

    /// <summary>True when systemd started us (it sets INVOCATION_ID).</summary>
    public static bool UnderSystemd() => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INVOCATION_ID"));

    private static string Hash(IConfiguration root)
    {
        var sb = new StringBuilder();
        foreach (
            var (key, value) in root.AsEnumerable()
                .Where(kv => kv.Value is not null)
                .OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
        )
            sb.Append(key.ToLowerInvariant()).Append('=').Append(value).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
    }

    /// <summary>Count of sensors of one kind.</summary>
    public int CountOf(SensorKind kind) => Sensors.Count(s => s.Kind == kind);
}
