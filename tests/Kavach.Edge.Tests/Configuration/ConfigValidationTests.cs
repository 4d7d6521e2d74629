using Kavach.Edge.Configuration;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Kavach.Edge.Tests.Configuration;

public class ConfigValidationTests
{
    [Fact]
    public void Minimal_config_is_valid_with_defaults()
    {
        var o = TestConfig.Valid();
        Assert.Equal("test-unit", o.Device.Id);
        Assert.Equal(DeviceMode.Trackside, o.Device.Mode);
        Assert.Equal(150, o.Risk.StoppingDistanceM);
        Assert.Equal(8, o.Risk.TtcThresholdS);
        Assert.Equal(100, o.Fusion.TickMs);
        Assert.Equal(1000, o.Fusion.WindowMs);
        Assert.Equal("http://127.0.0.1:8080", o.Api.Urls);
        Assert.Equal(3, o.Sensors.Count);
        Assert.False(o.Sensors[2].Required);
        Assert.Equal(16, o.ConfigHash.Length);
    }

    [Fact]
    public void Example_config_in_deploy_binds_and_validates()
    {
        var path = Path.Combine(Repo.Root, "deploy", "kavach.example.json");
        // The example opens the API on the maintenance network over HTTPS with the key and the certificate
        // the package makes under /etc/kavach: stand in those files (the secrets 0600, as the package leaves them).
        using var dir = Repo.NewTempDir();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=lc-47-east",
            rsa,
            System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.RSASignaturePadding.Pkcs1
        );
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(dir.File("api-tls.crt"), cert.ExportCertificatePem());
        var o = KavachOptions.Load(
            path,
            new Dictionary<string, string?>
            {
                ["KAVACH_Api__KeyFile"] = dir.Secret("api.key", "example-key-0123456789abcdef\n"),
                ["KAVACH_Api__CertFile"] = dir.File("api-tls.crt"),
                ["KAVACH_Api__CertKeyFile"] = dir.Secret("api-tls.key", rsa.ExportPkcs8PrivateKeyPem()),
            },
            out var errors
        );
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.False(o!.Api.LoopbackOnly);
        Assert.All(o.Api.ParsedUrls, u =>
            Assert.True(u.Scheme == "https" || Kavach.Edge.Configuration.ApiOptions.IsLoopback(u), u.ToString())
        );
        Assert.False(o.Api.AllowInsecureHttp);
        Assert.NotNull(o);
        Assert.Equal("lc-47-east", o!.Device.Id);
        Assert.Equal(3, o.Sensors.Count);
        Assert.Equal(9000, o.Sensors[0].Transport.Port);
    }

    public static TheoryData<string, string, string> BadValues =>
        new()
        {
            // json fragment replacing a sensor's transport, expected key path, expected words
            { "\"Port\": 70000", "Sensors[0].Transport.Port", "must be 0-65535" },
            { "\"Port\": \"abc\"", "Sensors[0].Transport.Port", "whole number" },
            { "\"Baud\": 9600", "Sensors[0].Transport.Baud", "not a key of a tcp-listen transport" },
            { "\"Prot\": 9000", "Sensors[0].Transport.Prot", "unknown key" },
        };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Bad_transport_value_names_its_key(string fragment, string key, string words)
    {
        var json = TestConfig.Minimal.Replace("\"Port\": 0 },\n      \"BaselineStrength\"", fragment + " },\n      \"BaselineStrength\"");
        Assert.NotEqual(TestConfig.Minimal, json);
        var (_, errors) = TestConfig.Bind(json);
        var line = Assert.Single(errors, e => e.StartsWith(key + ":", StringComparison.Ordinal));
        Assert.Contains(words, line);
    }

    [Theory]
    [InlineData("Device:Id", "has space", "Device.Id", "letters, digits")]
    [InlineData("Device:Id", "", "Device.Id", "must not be empty")]
    [InlineData("Device:Id", "lc-47-east\n", "Device.Id", "letters, digits")]
    [InlineData("Device:Id", "kavach/+/#", "Device.Id", "letters, digits")]
    [InlineData("Device:Id", "a123456789b123456789c123456789d123456789e123456789f123456789g1234", "Device.Id", "(65 characters)")]
    [InlineData("Device:Mode", "shunter", "Device.Mode", "must be one of trackside, locomotive")]
    [InlineData("Device:Mode", "locomotive", "Train", "Device.Mode locomotive needs a Train section")]
    [InlineData("Risk:StoppingDistanceM", "-5", "Risk.StoppingDistanceM", "must be 1-5000")]
    [InlineData("Risk:TtcThresholdS", "soon", "Risk.TtcThresholdS", "must be a number")]
    [InlineData("Risk:StopingDistanceM", "200", "Risk.StopingDistanceM", "unknown key")]
    [InlineData("Fusion:TickMs", "5", "Fusion.TickMs", "must be 10-1000")]
    [InlineData("Fusion:WindowMs", "50", "Fusion.WindowMs", "must be 100-60000")]
    [InlineData("Sensors:1:Kind", "sonar", "Sensors[1].Kind", "lidar, radar, camera")]
    [InlineData("Sensors:1:Protocol", "ubx", "Sensors[1].Protocol", "must be one of json-lines")]
    [InlineData("Sensors:1:Name", "lidar", "Sensors[1].Name", "unique")]
    [InlineData("Sensors:1:Required", "yes", "Sensors[1].Required", "true or false")]
    [InlineData("Sensors:1:TimeoutMs", "0", "Sensors[1].TimeoutMs", "must be 50-600000")]
    [InlineData("Sensors:1:Transport:Type", "udp", "Sensors[1].Transport.Type", "tcp-listen, tcp-client, serial, mqtt")]
    [InlineData("Sensors:1:Variant", "tf03", "Sensors[1].Variant", "tf-series sensors only")]
    [InlineData("Sensors:1:FullScaleM", "2000", "Sensors[1].FullScaleM", "camera sensors only")]
    [InlineData("Sensors:1:MaxRangeM", "100", "Sensors[1].MaxRangeM", "applies to lidar sensors")]
    [InlineData("Sensors:0:MaxRangeM", "-1", "Sensors[0].MaxRangeM", "must be 0-10000")]
    [InlineData("Api:Urls", "ftp://x", "Api.Urls", "not an http")]
    [InlineData("Logging:Level", "loud", "Logging.Level", "must be one of")]
    [InlineData("Storage:Paht", "x.db", "Storage.Paht", "unknown key")]
    [InlineData("Uplink:IdConflictHoldOffMs", "10", "Uplink.IdConflictHoldOffMs", "must be 1000-86400000")]
    [InlineData("Alarms:Driver", "gpio", "Alarms", "unknown key")]
    public void Bad_value_is_refused_naming_its_key(string key, string value, string path, string words)
    {
        var (_, errors) = TestConfig.Bind(TestConfig.Minimal, new Dictionary<string, string?> { [key] = value });
        var line = Assert.Single(errors, e =>
            e.StartsWith(path + ":", StringComparison.Ordinal) || e.StartsWith(path + ".", StringComparison.Ordinal)
        );
        Assert.Contains(words, line);
    }

    [Fact]
    public void A_missing_device_id_is_refused_naming_the_key()
    {
        // one post, one identity: no default id that every unit would share
        var json = TestConfig.Minimal.Replace("\"Device\": { \"Id\": \"test-unit\" },", "");
        Assert.NotEqual(TestConfig.Minimal, json);
        var (_, errors) = TestConfig.Bind(json);
        var line = Assert.Single(errors);
        Assert.StartsWith("Device.Id: is required", line, StringComparison.Ordinal);

        (_, errors) = TestConfig.Bind(TestConfig.Minimal.Replace("\"Id\": \"test-unit\"", "\"Mode\": \"trackside\""));
        Assert.StartsWith("Device.Id: is required", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_gets_its_own_line()
    {
        var (_, errors) = TestConfig.Bind(
            TestConfig.Minimal,
            new Dictionary<string, string?>
            {
                ["Risk:StoppingDistanceM"] = "0",
                ["Fusion:TickMs"] = "x",
                ["Device:Id"] = "a/b",
            }
        );
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void No_required_sensor_is_refused()
    {
        var (_, errors) = TestConfig.Bind(
            TestConfig.Minimal,
            new Dictionary<string, string?> { ["Sensors:0:Required"] = "false", ["Sensors:1:Required"] = "false" }
        );
        Assert.Contains(errors, e => e.StartsWith("Sensors: no sensor is Required", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_kind_and_transport_are_named()
    {
        var (_, errors) = TestConfig.Bind("""{ "Sensors": [ { "Name": "x" } ] }""");
        Assert.Contains(errors, e => e.StartsWith("Sensors[0].Kind: is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Sensors[0].Transport: is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Tf_series_needs_a_known_variant()
    {
        var (_, errors) = TestConfig.Bind(
            TestConfig.Minimal,
            new Dictionary<string, string?> { ["Sensors:0:Protocol"] = "tf-series", ["Sensors:0:Variant"] = "tf99" }
        );
        Assert.Contains(errors, e => e.StartsWith("Sensors[0].Variant: must be one of tf-luna", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tf-luna", 8)]
    [InlineData("tfmini-s", 12)]
    [InlineData("tf02-pro", 40)]
    [InlineData("tf03", 100)]
    public void Lidar_reach_defaults_to_the_datasheet_of_its_variant(string variant, double reachM)
    {
        var (o, errors) = TestConfig.Bind(
            TestConfig.Minimal,
            new Dictionary<string, string?> { ["Sensors:0:Protocol"] = "tf-series", ["Sensors:0:Variant"] = variant }
        );
        Assert.Empty(errors);
        Assert.Equal(reachM, o!.Sensors[0].MaxRangeM);
        // a json-lines LiDAR's reach is unknown (0: no limit assumed); a TF03-180 is configured
        var (o2, _) = TestConfig.Bind(TestConfig.Minimal);
        Assert.Equal(0, o2!.Sensors[0].MaxRangeM);
        var (o3, _) = TestConfig.Bind(
            TestConfig.Minimal,
            new Dictionary<string, string?>
            {
                ["Sensors:0:Protocol"] = "tf-series",
                ["Sensors:0:Variant"] = "tf03",
                ["Sensors:0:MaxRangeM"] = "180",
            }
        );
        Assert.Equal(180, o3!.Sensors[0].MaxRangeM);
    }

    [Fact]
    public void Two_sensors_of_one_kind_cannot_share_a_port()
    {
        var (_, errors) = TestConfig.Bind(
            """
            { "Sensors": [
              { "Name": "a", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Port": 9100 } },
              { "Name": "b", "Kind": "lidar", "Transport": { "Type": "tcp-listen", "Port": 9100 } } ] }
            """
        );
        Assert.Contains(errors, e =>
            e.StartsWith("Sensors[1].Transport.Port: 9100 is shared with Sensors[0] of the same Kind", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void Environment_override_applies_and_an_unknown_one_is_refused()
    {
        using var dir = Repo.NewTempDir();
        var path = dir.File("k.json");
        File.WriteAllText(path, TestConfig.Minimal);
        var o = KavachOptions.Load(
            path,
            new Dictionary<string, string?> { ["KAVACH_Risk__StoppingDistanceM"] = "220", ["PATH"] = "/bin" },
            out var errors
        );
        Assert.Empty(errors);
        Assert.Equal(220, o!.Risk.StoppingDistanceM);

        Assert.Null(KavachOptions.Load(path, new Dictionary<string, string?> { ["KAVACH_Risk__StopDistance"] = "220" }, out errors));
        Assert.Equal("Risk.StopDistance: unknown key", Assert.Single(errors));
    }

    [Fact]
    public void Broken_json_and_missing_file_are_one_clear_line()
    {
        using var dir = Repo.NewTempDir();
        var path = dir.File("k.json");
        File.WriteAllText(path, "{ \"Device\": { \"Id\": ");
        Assert.Null(KavachOptions.Load(path, null, out var errors));
        Assert.Contains("cannot read the configuration", Assert.Single(errors));

        Assert.Null(KavachOptions.Load(dir.File("missing.json"), null, out errors));
        Assert.Contains("configuration file not found", Assert.Single(errors));
    }

    [Fact]
    public void Config_hash_changes_with_any_value()
    {
        var a = TestConfig.Valid();
        var b = TestConfig.Valid(overrides: new Dictionary<string, string?> { ["Risk:TtcThresholdS"] = "9" });
        Assert.NotEqual(a.ConfigHash, b.ConfigHash);
        Assert.Equal(a.ConfigHash, TestConfig.Valid().ConfigHash);
    }
}

/// <summary>The Api section's rules: one error line per bad key, naming it.</summary>
public class ApiConfigTests
{
    [Theory]
    [InlineData("Api:Urls", "http://0.0.0.0:8080", "Api.KeyFile", "required")]
    [InlineData("Api:Urls", "http://*:8080", "Api.KeyFile", "required")]
    [InlineData("Api:Urls", "http://kavach.local:8080", "Api.Urls", "IP address")]
    [InlineData("Api:Urls", "http://127.0.0.1:8080/api", "Api.Urls", "path")]
    [InlineData("Api:Urls", "https://127.0.0.1:8443", "Api.CertFile", "required")]
    [InlineData("Api:KeyFile", "/nonexistent/api.key", "Api.KeyFile", "cannot read")]
    [InlineData("Api:CertKeyFile", "/x/key.pem", "Api.CertKeyFile", "without Api.CertFile")]
    [InlineData("Api:CertFile", "/nonexistent/cert.pfx", "Api.CertFile", "cannot load")]
    [InlineData("Api:SessionHours", "0", "Api.SessionHours", "must be 1-720")]
    [InlineData("Api:Enabled", "maybe", "Api.Enabled", "true or false")]
    [InlineData("Api:Port", "8080", "Api.Port", "unknown key")]
    [InlineData("Api:AllowInsecureHttp", "yes", "Api.AllowInsecureHttp", "true or false")]
    [InlineData("Api:AllowedHosts", "*.example", "Api.AllowedHosts", "not a host name")]
    [InlineData("Api:AllowedHosts", "post47.example:8443", "Api.AllowedHosts", "no port")]
    [InlineData("Api:AllowedHosts", "https://post47.example", "Api.AllowedHosts", "no scheme")]
    public void Bad_api_value_names_its_key(string key, string value, string path, string words)
    {
        var (_, errors) = TestConfig.Bind(TestConfig.Minimal, new Dictionary<string, string?> { [key] = value });
        var line = Assert.Single(errors, e => e.StartsWith(path + ":", StringComparison.Ordinal));
        Assert.Contains(words, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_key_is_refused_and_a_good_one_opens_the_network()
    {
        using var dir = Repo.NewTempDir();
        dir.Secret("short.key", "abc");
        dir.Secret("good.key", "0123456789abcdef-good\n");
        var (_, errors) = TestConfig.Bind(TestConfig.Minimal, new Dictionary<string, string?> { ["Api:KeyFile"] = dir.File("short.key") });
        Assert.Contains(errors, e =>
            e.StartsWith("Api.KeyFile:", StringComparison.Ordinal) && e.Contains("at least 16", StringComparison.Ordinal)
        );
        var o = TestConfig.Valid(
            overrides: new Dictionary<string, string?>
            {
                ["Api:KeyFile"] = dir.File("good.key"),
                ["Api:Urls"] = "http://0.0.0.0:8080;http://127.0.0.1:8081",
                ["Api:AllowInsecureHttp"] = "true",
            }
        );
        Assert.False(o.Api.LoopbackOnly);
        Assert.Equal("0123456789abcdef-good", o.Api.Key);
    }

    [Fact]
    public void Disabled_api_needs_no_key_whatever_it_would_bind()
    {
        var o = TestConfig.Valid(
            overrides: new Dictionary<string, string?> { ["Api:Enabled"] = "false", ["Api:Urls"] = "http://0.0.0.0:8080" }
        );
        Assert.False(o.Api.Enabled);
    }
}
