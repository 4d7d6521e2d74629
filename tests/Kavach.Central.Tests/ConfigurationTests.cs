using Kavach.Central.Configuration;
using Kavach.Central.Tests.Support;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Kavach.Central.Tests;

/// <summary>The configuration is a contract, as the daemon's: unknown keys and bad values refused, exit 2 naming the key.</summary>
public class ConfigurationTests
{
    private static List<string> Bind(Dictionary<string, string?> values)
    {
        var errors = new List<string>();
        CentralOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), errors);
        return errors;
    }

    private static Dictionary<string, string?> Minimal() =>
        new() { ["Database:ConnectionString"] = "Host=127.0.0.1;Username=kavach;Database=kavach", ["Mqtt:ClientId"] = "central-1" };

    [Fact]
    public void A_minimal_configuration_is_accepted_and_the_required_keys_are_named_when_missing()
    {
        Assert.Empty(Bind(Minimal()));
        var errors = Bind([]);
        Assert.Contains(errors, e => e.StartsWith("Database.ConnectionString: required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Mqtt.ClientId: required", StringComparison.Ordinal));
    }

    [Fact]
    public void The_example_configuration_binds_with_every_key_at_its_default()
    {
        var path = Path.Combine(Repo.Root, "deploy", "kavach-central.example.json");
        var errors = new List<string>();
        var o = CentralOptions.Bind(new ConfigurationBuilder().AddJsonFile(path).Build(), errors);
        Assert.Empty(errors);
        var d = new CentralOptions();
        Assert.Equal(
            (
                d.Database.BatchMaxRows,
                d.Database.BatchMaxDelayMs,
                d.Database.PartitionMonthsAhead,
                d.Database.RetentionMonths,
                d.Database.RetryMinMs,
                d.Database.RetryMaxMs
            ),
            (
                o.Database.BatchMaxRows,
                o.Database.BatchMaxDelayMs,
                o.Database.PartitionMonthsAhead,
                o.Database.RetentionMonths,
                o.Database.RetryMinMs,
                o.Database.RetryMaxMs
            )
        );
        Assert.Equal(
            (
                d.Mqtt.Host,
                d.Mqtt.Port,
                d.Mqtt.SharedGroup,
                d.Mqtt.SessionExpiryS,
                d.Mqtt.KeepAliveS,
                d.Mqtt.ReceiveMaximum,
                d.Mqtt.ReconnectMinMs,
                d.Mqtt.ReconnectMaxMs
            ),
            (
                o.Mqtt.Host,
                o.Mqtt.Port,
                o.Mqtt.SharedGroup,
                o.Mqtt.SessionExpiryS,
                o.Mqtt.KeepAliveS,
                o.Mqtt.ReceiveMaximum,
                o.Mqtt.ReconnectMinMs,
                o.Mqtt.ReconnectMaxMs
            )
        );
        Assert.Equal(
            (
                d.Http.Url,
                d.Fleet.KeepAliveS,
                d.Fleet.CommandExpiryS,
                d.Logging.Level,
                d.Logging.File,
                d.Logging.FileSizeLimitMb,
                d.Logging.RetainedFiles
            ),
            (
                o.Http.Url,
                o.Fleet.KeepAliveS,
                o.Fleet.CommandExpiryS,
                o.Logging.Level,
                o.Logging.File,
                o.Logging.FileSizeLimitMb,
                o.Logging.RetainedFiles
            )
        );
    }

    [Fact]
    public void Unknown_keys_and_bad_values_are_refused_with_their_path()
    {
        var values = Minimal();
        values["Mqtt:Prot"] = "1883";
        values["Database:BatchMaxRows"] = "0";
        values["Http:Url"] = "http://0.0.0.0:8090";
        values["Tuning"] = "fast";
        values["Fleet:KeepAliveZ"] = "60";
        values["Fleet:KeepAliveS"] = "0";
        var errors = Bind(values);
        Assert.Contains("Mqtt.Prot: unknown key", errors);
        Assert.Contains("Tuning: unknown key", errors);
        Assert.Contains("Fleet.KeepAliveZ: unknown key", errors);
        Assert.Contains("Fleet.KeepAliveS: must be 1-86400, got 0", errors);
        Assert.Contains("Database.BatchMaxRows: must be 1-5000, got 0", errors);
        Assert.Contains(errors, e => e.StartsWith("Http.Url: must be a loopback address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_service_exits_2_naming_an_unknown_key_in_the_file_or_the_environment()
    {
        using var dir = Repo.NewTempDir();
        var path = CentralProcess.WriteConfig(dir, 1883, "Host=127.0.0.1;Username=kavach;Database=kavach", "central-1", extra: c =>
            ((Dictionary<string, object>)c["Database"])["BatchMaxRowz"] = 10
        );
        using (var central = new CentralProcess(["run", "--config", path]))
        {
            Assert.Equal(2, await central.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Database.BatchMaxRowz: unknown key", central.Stderr);
        }
    }
}
