using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Configuration;

/// <summary>The Storage and Uplink keys: defaults and one error line per bad key.</summary>
public class StorageUplinkConfigTests
{
    [Fact]
    public void Defaults_fit_a_small_card_and_keep_months_of_alerts()
    {
        var o = TestConfig.Valid();
        Assert.Equal(5000, o.Storage.FlushMs);
        Assert.Equal(5000, o.Storage.CommitTimeoutMs);
        Assert.Equal(90, o.Storage.RetentionDays);
        Assert.Equal(2048, o.Storage.MaxSizeMb);
        Assert.Equal("", o.Uplink.Host);
        Assert.Equal(100_000, o.Uplink.OutboxMaxRows);
        Assert.Equal(60, o.Uplink.MaxCommandAgeS);
        Assert.False(o.Uplink.AllowRemoteMaintenance);
        Assert.Equal(60_000, o.Uplink.TelemetryMs);
        Assert.True(o.Uplink.SessionExpiryS > 0);
    }

    [Theory]
    [InlineData("Storage:FlushMs", "50", "Storage.FlushMs", "must be 200-600000")]
    [InlineData("Storage:CommitTimeoutMs", "10", "Storage.CommitTimeoutMs", "must be 100-600000")]
    [InlineData("Storage:RetentionDays", "0", "Storage.RetentionDays", "must be 1-36500")]
    [InlineData("Storage:MaxSizeMb", "big", "Storage.MaxSizeMb", "whole number")]
    [InlineData("Uplink:Tls", "maybe", "Uplink.Tls", "true or false")]
    [InlineData("Uplink:CaFile", "/etc/ca.pem", "Uplink.CaFile", "needs Tls: true")]
    [InlineData("Uplink:PasswordFile", "/etc/pw", "Uplink.PasswordFile", "needs a Username")]
    [InlineData("Uplink:CertFile", "/etc/c.pem", "Uplink.KeyFile", "go together")]
    [InlineData("Uplink:TelemetryMs", "500", "Uplink.TelemetryMs", "0 (off) or 1000")]
    [InlineData("Uplink:MaxCommandAgeS", "0", "Uplink.MaxCommandAgeS", "must be 1-86400")]
    [InlineData("Uplink:AllowRemoteMaintenance", "yes", "Uplink.AllowRemoteMaintenance", "true or false")]
    [InlineData("Uplink:OutboxMaxRows", "5", "Uplink.OutboxMaxRows", "must be 10-10000000")]
    [InlineData("Uplink:ReconnectMaxMs", "20", "Uplink.ReconnectMaxMs", "at least ReconnectMinMs")]
    [InlineData("Uplink:Passwd", "x", "Uplink.Passwd", "unknown key")]
    public void Bad_value_is_refused_naming_its_key(string key, string value, string path, string words)
    {
        var (_, errors) = TestConfig.Bind(TestConfig.Minimal, new Dictionary<string, string?> { [key] = value });
        var line = Assert.Single(errors, e => e.StartsWith(path + ":", StringComparison.Ordinal));
        Assert.Contains(words, line);
    }

    [Fact]
    public void Missing_files_are_refused_at_start_up_when_an_uplink_is_configured()
    {
        var (_, errors) = TestConfig.Bind(
            TestConfig.Minimal,
            new Dictionary<string, string?>
            {
                ["Uplink:Host"] = "broker.example",
                ["Uplink:Tls"] = "true",
                ["Uplink:CaFile"] = "/nonexistent/ca.pem",
                ["Uplink:Username"] = "u",
                ["Uplink:PasswordFile"] = "/nonexistent/pw",
            }
        );
        Assert.Contains(errors, e => e.StartsWith("Uplink.CaFile: file not found", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Uplink.PasswordFile: file not found", StringComparison.Ordinal));
    }
}
