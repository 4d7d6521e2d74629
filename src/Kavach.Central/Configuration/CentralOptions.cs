using System.Security.Cryptography;
using System.Text;
using Kavach.Edge.Configuration;
using Microsoft.Extensions.Configuration;

namespace Kavach.Central.Configuration;

/// <summary>
/// kavach-central's configuration: one JSON file plus <c>KAVACHCENTRAL_Section__Key</c> environment overrides (not
/// <c>KAVACH_</c>: that prefix is the daemon's, and a daemon on the same machine would refuse our keys). The same
/// contract as the daemon's: unknown keys and bad values are refused, one line per problem naming the key.
/// </summary>
public sealed class CentralOptions
{
    public const string EnvironmentPrefix = "KAVACHCENTRAL_";

    public DatabaseOptions Database { get; } = new();
    public MqttOptions Mqtt { get; } = new();
    public HttpOptions Http { get; } = new();
    public FleetOptions Fleet { get; } = new();
    public CentralLoggingOptions Logging { get; } = new();

    public string Source { get; private set; } = "";

    /// <summary>SHA-256 (first 16 hex digits) of the effective configuration, for the log.</summary>
    public string ConfigHash { get; private set; } = "";

    /// <summary>The config file: <paramref name="explicitPath"/>, else ./kavach-central.json when present, else
    /// /etc/kavach/kavach-central.json.</summary>
    public static string ResolvePath(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
            return explicitPath;
        return File.Exists("kavach-central.json") ? Path.GetFullPath("kavach-central.json") : "/etc/kavach/kavach-central.json";
    }

    public static CentralOptions? Load(string path, IDictionary<string, string?>? environment, out List<string> errors)
    {
        errors = [];
        if (!File.Exists(path))
        {
            errors.Add(
                $"{path}: configuration file not found (give --config PATH; deploy/kavach-central.example.json documents every key)"
            );
            return null;
        }
        IConfigurationRoot root;
        try
        {
            var builder = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
            if (environment is not null)
                builder.AddInMemoryCollection(
                    environment
                        .Where(kv => kv.Key.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                        .Select(kv => new KeyValuePair<string, string?>(kv.Key[EnvironmentPrefix.Length..].Replace("__", ":"), kv.Value))
                );
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
        var options = Bind(root, errors);
        if (errors.Count > 0)
            return null;
        options.Source = Path.GetFullPath(path);
        return options;
    }

    public static CentralOptions Bind(IConfiguration root, List<string> errors)
    {
        var o = new CentralOptions();
        using (var r = new ConfigReader(root, "", errors))
        {
            r.Section("Database", s => o.Database.Read(s));
            r.Section("Mqtt", s => o.Mqtt.Read(s));
            r.Section("Http", s => o.Http.Read(s));
            r.Section("Fleet", s => o.Fleet.Read(s));
            r.Section("Logging", s => o.Logging.Read(s));
        }
        var sb = new StringBuilder();
        foreach (
            var (key, value) in root.AsEnumerable()
                .Where(kv => kv.Value is not null)
                .OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase)
        )
            sb.Append(key.ToLowerInvariant()).Append('=').Append(value).Append('\n');
        o.ConfigHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..16];
        return o;
    }
}
