using System.Text.Json;
using Kavach.Edge.Commissioning;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Tests.Commissioning;

/// <summary>The record at start: refused for another sensor set (exit 2 from the real executable), "not commissioned" as a
/// degradation.</summary>
public class RecordLoadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A record for <see cref="TestConfig.Minimal"/> (json-lines sensors), built from a made-up scene.</summary>
    private static CommissioningRecord RecordFor(KavachOptions options)
    {
        var scenes = new (LidarScene?, RadarScene?, long)[]
        {
            (new LidarScene(0, [new LidarReturn(60, 2000, 0.05, 1, false)], null, null, 40, 65535, null), null, 100),
            (null, new RadarScene(15, [new RadarTarget(60, 35, 0, 1, true)], 0), 20),
            (null, null, 1),
        };
        return RecordBuilder.Build(options, scenes, 10, DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void A_record_round_trips_and_is_written_atomically()
    {
        using var dir = Repo.NewTempDir();
        var options = TestConfig.Valid();
        var record = RecordFor(options);
        var path = dir.File("sub/commissioning.json");
        var hash = RecordFile.Write(path, record);
        var (read, readHash) = RecordFile.Read(path);
        Assert.Equal(hash, readHash);
        Assert.Equal(
            JsonSerializer.Serialize(record, CommissioningJson.Default.CommissioningRecord),
            JsonSerializer.Serialize(read, CommissioningJson.Default.CommissioningRecord)
        );
        Assert.Single(Directory.GetFiles(dir.File("sub")));
        Assert.Equal(60, read.Reference!.RangeM);
        var problems = SchemaCheck.Validate(
            Path.Combine(Repo.Root, "docs", "schemas", "commissioning.schema.json"),
            File.ReadAllText(path)
        );
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task A_record_made_for_another_sensor_set_stops_the_daemon_with_exit_2_naming_the_file_and_the_difference()
    {
        using var dir = Repo.NewTempDir();
        var record = RecordFor(TestConfig.Valid());
        var recordPath = dir.File("commissioning.json");
        // the radar was json-lines over tcp-listen when commissioned; it is now a TI radar on its own port
        var changed = record with
        {
            Sensors =
            [
                record.Sensors[0],
                record.Sensors[1] with
                {
                    Protocol = "ti-mmwave",
                    Transport = "tcp-listen 127.0.0.1:9100",
                },
                record.Sensors[2],
            ],
        };
        RecordFile.Write(recordPath, changed);
        File.WriteAllText(dir.File("kavach.json"), TestConfig.Minimal);
        var env = new Dictionary<string, string>
        {
            ["KAVACH_Commissioning__RecordPath"] = recordPath,
            ["KAVACH_Storage__Path"] = dir.File("kavach.db"),
        };
        var (code, _, stderr) = await DaemonProcess.RunAsync(dir.Path, Timeout, env, "--config", dir.File("kavach.json"));
        Assert.Equal(2, code);
        Assert.Contains($"commissioning record {recordPath} was made for another sensor set", stderr, StringComparison.Ordinal);
        Assert.Contains("sensor 'radar' protocol: record 'ti-mmwave', configuration 'json-lines'", stderr, StringComparison.Ordinal);
        Assert.Contains(
            "sensor 'radar' transport: record 'tcp-listen 127.0.0.1:9100', configuration 'tcp-listen 127.0.0.1:0'",
            stderr,
            StringComparison.Ordinal
        );
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);

        // a sensor added since is refused too, and so is a file that is not a record
        var options = TestConfig.Valid(overrides: new Dictionary<string, string?> { ["Commissioning:RecordPath"] = recordPath });
        RecordFile.Write(recordPath, record with { Sensors = record.Sensors.Take(2).ToList() });
        var e = Assert.Throws<ConfigurationRefusedException>(() => CommissioningState.Load(options));
        Assert.Contains("sensor 'camera' is in the configuration but not in the record", e.Message, StringComparison.Ordinal);
        File.WriteAllText(recordPath, "{\"schema\":\"kavach-commissioning\",\"version\":99}");
        e = Assert.Throws<ConfigurationRefusedException>(() => CommissioningState.Load(options));
        Assert.Contains(recordPath, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Selftest_shows_the_record_its_hash_and_its_coverage_and_fails_on_a_mismatch()
    {
        using var dir = Repo.NewTempDir();
        var recordPath = dir.File("commissioning.json");
        var json = TestConfig.Minimal.Replace(
            "\"Logging\": { \"File\": \"\" }",
            $"\"Logging\": {{ \"File\": \"\" }}, \"Storage\": {{ \"Path\": \"{dir.File("kavach.db")}\" }}",
            StringComparison.Ordinal
        );
        File.WriteAllText(dir.File("kavach.json"), json);
        var checks = new Kavach.Edge.SelfTest.ISelfTestCheck[] { new Kavach.Edge.SelfTest.Checks.CommissioningCheck() };
        var output = new StringWriter();
        await Kavach.Edge.SelfTest.SelfTestCommand.RunAsync(dir.File("kavach.json"), output, checks);
        Assert.Matches(
            @"commissioning\s+SKIP\s+not commissioned: no record at " + System.Text.RegularExpressions.Regex.Escape(recordPath),
            output.ToString()
        );

        var hash = RecordFile.Write(recordPath, RecordFor(TestConfig.Valid()));
        output = new StringWriter();
        Assert.Equal(0, await Kavach.Edge.SelfTest.SelfTestCommand.RunAsync(dir.File("kavach.json"), output, checks));
        Assert.Matches($@"commissioning\s+PASS\s+.*record {hash} \(reference 60 m\)", output.ToString());
        Assert.Contains("coverage gap (a degradation): radar sees", output.ToString(), StringComparison.Ordinal);

        File.WriteAllText(
            dir.File("kavach.json"),
            json.Replace("\"Name\": \"camera\"", "\"Name\": \"visibility\"", StringComparison.Ordinal)
        );
        output = new StringWriter();
        Assert.Equal(1, await Kavach.Edge.SelfTest.SelfTestCommand.RunAsync(dir.File("kavach.json"), output, checks));
        Assert.Matches(
            @"commissioning\s+FAIL\s+commissioning record .* another sensor set \(Sensors\[2\] is 'visibility', the record has 'camera'\)",
            output.ToString()
        );
    }

    [Fact]
    public async Task Not_commissioned_is_a_named_degradation_on_the_health_detail_and_the_status_never_a_fault()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        using var http = d.NewHttpClient();
        using var health = JsonDocument.Parse(await (await http.GetAsync("/health")).Content.ReadAsStringAsync());
        var c = health
            .RootElement.GetProperty("components")
            .EnumerateArray()
            .Single(x => x.GetProperty("name").GetString() == "commissioning");
        Assert.True(c.GetProperty("ok").GetBoolean());
        Assert.StartsWith(
            "degraded: not commissioned: no record at " + Path.Combine(Path.GetDirectoryName(d.DatabasePath)!, "commissioning.json"),
            c.GetProperty("detail").GetString(),
            StringComparison.Ordinal
        );
        Assert.Contains(health.RootElement.GetProperty("degradations").EnumerateArray(), x =>
            x.GetString()!.StartsWith("not commissioned", StringComparison.Ordinal)
        );
        using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
        Assert.Equal("not commissioned", status.RootElement.GetProperty("commissioning").GetProperty("state").GetString());
        Assert.False(status.RootElement.GetProperty("commissioning").TryGetProperty("hash", out _));
        Assert.Null(d.Options.CommissioningHash);
        d.Log.AssertNoErrors();
    }
}
