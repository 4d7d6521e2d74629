using System.Net.Http.Json;
using System.Text.Json;
using Kavach.Edge.Commissioning;
using Kavach.Edge.Configuration;
using Kavach.Edge.Hosting;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Kavach.Edge.Tests.Commissioning;

/// <summary>
/// `commission` on the simulator's scenes through real loopback TCP, the record it writes, and the daemon that
/// loads it: values filled where the configuration leaves them unset, hand-set values kept, the hash on stored events
/// and on /api/status, coverage gaps as degradations with their figure.
/// </summary>
public class CommissionTests
{
    [Fact]
    public async Task Commission_learns_the_clear_scene_and_the_daemon_runs_on_the_record()
    {
        using var h = new CommissionHarness("clear");
        Assert.Equal(0, await h.CommissionAsync());
        var report = h.Output.ToString();
        var r = h.ReadRecord();

        // the reference reflector at 95 m, seen by both ranging sensors
        Assert.NotNull(r.Reference);
        Assert.InRange(r.Reference!.RangeM, 94, 96);
        Assert.Equal(["lidar", "radar"], r.Reference.SeenBy);
        var lidar = r.Sensors.Single(s => s.Name == "lidar").Lidar!;
        Assert.Contains(lidar.StaticReturns, x => x.RangeM is > 94 and < 96);
        // clear-air baseline: K·ρ/R² = 7.2e6·0.8/95² ≈ 638 (log-normal noise σ 0.08)
        Assert.InRange(lidar.BaselineStrength!.Value, 560, 720);
        Assert.InRange(lidar.BaselineRangeM!.Value, 94, 96);
        var radar = r.Sensors.Single(s => s.Name == "radar");
        // the reflector (15 dBsm) at 95 m: SNR 25 + 15 − 40·log10(0.95) ≈ 40.9 dB; clutter below the gate is kept, marked
        Assert.Contains(radar.Radar!.StaticTargets, t => t.RangeM is > 94 and < 96 && t.AboveMinSnr && t.SnrDb is > 37 and < 45);
        Assert.Contains(radar.Radar.StaticTargets, t => !t.AboveMinSnr);
        Assert.True(radar.Coverage!.Covered, radar.Coverage.Detail);
        // the TF03 reaches 100 m of the 150 m zone: said, with its figure
        var lc = r.Sensors.Single(s => s.Name == "lidar").Coverage!;
        Assert.False(lc.Covered);
        Assert.Contains("lidar sees 100 m of a 150 m zone", lc.Detail, StringComparison.Ordinal);
        Assert.Contains("Commissioning record written: " + h.RecordPath, report, StringComparison.Ordinal);
        Assert.Contains("NOT COVERED — lidar sees 100 m of a 150 m zone", report, StringComparison.Ordinal);
        Assert.Contains("Risk.ReferenceRangeM 95", report, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(Path.GetDirectoryName(h.RecordPath)!), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        // the daemon on the same configuration: the record fills the reference and the baseline
        var hash = RecordFile.Hash(File.ReadAllBytes(h.RecordPath));
        var options = Options(h.Keys);
        var log = h.Log;
        using var host = DaemonHost.Build(options, log.Logger, TimeProvider.System);
        Assert.InRange(options.Risk.ReferenceRangeM, 94, 96);
        Assert.Equal(lidar.BaselineStrength, options.Sensors[0].BaselineStrength);
        Assert.Equal(hash, options.CommissioningHash);
        var storage = host.Services.GetRequiredService<StorageService>();
        var committed = new TaskCompletionSource();
        storage.Committed += (_, _) => committed.TrySetResult();
        await host.StartAsync();
        try
        {
            await committed.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the start-up FAULT is stored
            using var http = new HttpClient
            {
                BaseAddress = new Uri(host.Services.GetRequiredService<Kavach.Edge.Api.ApiServer>().Urls[0]),
            };
            using var status = JsonDocument.Parse(await http.GetStringAsync("/api/status"));
            var c = status.RootElement.GetProperty("commissioning");
            Assert.Equal("commissioned", c.GetProperty("state").GetString());
            Assert.Equal(hash, c.GetProperty("hash").GetString());
            var degradations = status.RootElement.GetProperty("degradations").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Contains(degradations, d => d.StartsWith("lidar reach 100 m < zone 150 m", StringComparison.Ordinal));
            Assert.DoesNotContain(degradations, d => d.Contains("not commissioned", StringComparison.Ordinal));
        }
        finally
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(cts.Token);
        }
        using var db = new SqliteConnection($"Data Source={h.DatabasePath};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT commissioning, payload FROM events ORDER BY id LIMIT 1;";
        using var row = cmd.ExecuteReader();
        Assert.True(row.Read());
        Assert.Equal(hash, row.GetString(0));
        Assert.Contains($"\"commissioning\":\"{hash}\"", row.GetString(1), StringComparison.Ordinal);
        log.AssertNoErrors();

        // values set by hand win over the record
        var byHand = Options(
            new Dictionary<string, string?>(h.Keys) { ["Sensors:0:BaselineStrength"] = "500", ["Risk:ReferenceRangeM"] = "97" }
        );
        using (DaemonHost.Build(byHand, log.Logger, TimeProvider.System))
        {
            Assert.Equal(500, byHand.Sensors[0].BaselineStrength);
            Assert.Equal(97, byHand.Risk.ReferenceRangeM);
        }
    }

    [Fact]
    public async Task A_radar_gated_too_high_is_reported_as_a_coverage_gap_with_its_figure()
    {
        // MinSnrDb 40: the 95 m reflector at ~41 dB puts a car (5 dB weaker) at the gate at 95·10^((41−5−40)/40) ≈ 75 m
        using var h = new CommissionHarness("clear", k => k["Sensors:1:MinSnrDb"] = "40");
        Assert.Equal(0, await h.CommissionAsync());
        var coverage = h.ReadRecord().Sensors.Single(s => s.Name == "radar").Coverage!;
        Assert.False(coverage.Covered);
        Assert.InRange(coverage.ReachM!.Value, 60, 90);
        Assert.Matches(@"^radar sees \d+ m of a 150 m zone: lower MinSnrDb \(now 40 dB\) or move the post$", coverage.Detail);
        Assert.Contains("NOT COVERED — " + coverage.Detail, h.Output.ToString(), StringComparison.Ordinal);

        // the daemon says it on /health, as a degradation (200 is not at stake: it names, it does not fault)
        await using var d = await StartDaemonAsync(h);
        using var http = new HttpClient { BaseAddress = new Uri(d.Services.GetRequiredService<Kavach.Edge.Api.ApiServer>().Urls[0]) };
        using var health = JsonDocument.Parse(await (await http.GetAsync("/health")).Content.ReadAsStringAsync());
        var radar = health
            .RootElement.GetProperty("components")
            .EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == CoverageMonitor.CoverageKey("radar"));
        Assert.True(radar.GetProperty("ok").GetBoolean());
        Assert.Matches(
            @"^degraded: radar reach \d+ m < zone 150 m \(commissioned\): radar sees \d+ m of a 150 m zone",
            radar.GetProperty("detail").GetString()
        );

        // lowering the gate as the report says closes the gap at the next start, without commissioning again
        var lowered = Options(new Dictionary<string, string?>(h.Keys) { ["Sensors:1:MinSnrDb"] = "13" });
        using var host = DaemonHost.Build(lowered, h.Log.Logger, TimeProvider.System);
        var state = host.Services.GetRequiredService<CommissioningState>();
        Assert.All(state.CurrentCoverage(lowered).Where(c => c.Sensor == 1), c => Assert.True(c.Coverage.Covered, c.Coverage.Detail));
    }

    [Fact]
    public async Task Commission_refuses_without_confirmation_and_writes_nothing()
    {
        using var h = new CommissionHarness("clear");
        Assert.Equal(2, await h.CommissionAsync(yes: false, terminal: false));
        Assert.Contains("run again with --yes", h.Output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await h.CommissionAsync(yes: false, terminal: true, answer: "n"));
        Assert.Contains(CommissionCommand.Question, h.Output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(h.RecordPath));
    }

    [Fact]
    public async Task A_silent_required_sensor_fails_the_run_and_writes_nothing()
    {
        using var h = new CommissionHarness("clear");
        // nothing plays: the run gives up after its join timeout (shortened through TimeoutMs is not possible: use the API)
        var options = Options(h.Keys);
        using var logs = new Serilog.Extensions.Logging.SerilogLoggerFactory(h.Log.Logger);
        var run = new CommissionRun(options, TimeProvider.System, logs) { JoinTimeout = TimeSpan.FromSeconds(1) };
        var output = new StringWriter();
        var (learner, failure, _) = await run.RunAsync(TimeSpan.FromSeconds(1), output, CancellationToken.None);
        Assert.Null(learner);
        Assert.Matches(@"^no data from lidar \(listening, 0 frames\), radar \(listening, 0 frames\) within 1 s", failure);
    }

    internal static KavachOptions Options(Dictionary<string, string?> keys)
    {
        var errors = new List<string>();
        var o = KavachOptions.Bind(new ConfigurationBuilder().AddInMemoryCollection(keys).Build(), errors);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return o;
    }

    private static async Task<AsyncHost> StartDaemonAsync(CommissionHarness h)
    {
        var host = DaemonHost.Build(Options(h.Keys), h.Log.Logger, TimeProvider.System);
        await host.StartAsync();
        return new AsyncHost(host);
    }

    private sealed class AsyncHost(Microsoft.Extensions.Hosting.IHost host) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public async ValueTask DisposeAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(cts.Token);
            host.Dispose();
        }
    }
}
