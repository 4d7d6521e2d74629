using System.IO.Compression;
using System.Text.Json;
using Kavach.Edge.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Kavach.Edge.Tests.Api;

/// <summary>The status page's trends in headless Chromium against the real daemon: live data fed through the sensors over TCP, and a
/// past fog episode seeded into the daemon's database before it started. Read back through window.kavachTrends.data().</summary>
public class TrendsBrowserTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(40);

    private static JsonElement Data(ChromeDriver driver) =>
        JsonDocument.Parse((string)driver.ExecuteScript("return JSON.stringify(window.kavachTrends.data())")!).RootElement.Clone();

    private static IEnumerable<double> Values(JsonElement chart, int series) =>
        chart.GetProperty("data")[series].EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number).Select(e => e.GetDouble());

    private static int Index(JsonElement chart, string label) =>
        chart.GetProperty("series").EnumerateArray().Select(e => e.GetString()).ToList().IndexOf(label) + 1;

    // A fog episode three hours ago: 20 minutes of 120 m (IMD dense) between clear air, MEDIUM while it lasted.
    private static long SeedFogEpisode(string path)
    {
        var t0 = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds() / 60 * 60;
        using var seed = new TrendSeed(path);
        seed.Level(DateTimeOffset.FromUnixTimeSeconds(t0 - 600), "LOW", "FAULT");
        seed.Level(DateTimeOffset.FromUnixTimeSeconds(t0 + 600), "MEDIUM", "LOW");
        seed.Level(DateTimeOffset.FromUnixTimeSeconds(t0 + 1800), "LOW", "MEDIUM");
        for (var s = -600; s < 2400; s++)
        {
            seed.Lidar1s(t0 + s, 100, 50, 12000, 430);
            seed.Radar1s(t0 + s, 10, 0, 12000, 2000, 0);
            seed.Camera1s(t0 + s, s is >= 600 and < 1800 ? 120 : 2000);
        }
        return t0;
    }

    [Fact]
    public async Task The_charts_draw_what_the_sensors_send_live_and_a_range_from_storage_shows_a_past_fog_episode()
    {
        using var dir = Repo.NewTempDir();
        var t0 = SeedFogEpisode(dir.File("kavach.db"));
        using var profile = Repo.NewTempDir();
        using var driver = Browser.Start(profile, 900, 3200);
        await using var d = await DaemonUnderTest.StartAsync(
            overrides: SensorFeed.Overrides(new() { ["Storage:Path"] = dir.File("kavach.db") })
        );
        try
        {
            driver.Navigate().GoToUrl(d.ApiUrl + "/");
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("conn")).Text == "live", Timeout, "the page to go live");
            await Browser.UntilAsync(driver, _ => Data(driver).TryGetProperty("level", out var __), Timeout, "the charts");
            Assert.Equal("live", Data(driver).GetProperty("mode").GetString());

            await using var feed = await SensorFeed.StartAsync(d);
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("level")).Text == "LOW", Timeout, "LOW on the page");
            // the lidar sends 10 returns every 100 ms: about 100 Hz in the frame-rate chart, from the WebSocket's frame counts
            await Browser.UntilAsync(
                driver,
                _ =>
                    Data(driver).GetProperty("frameRate") is var c
                    && Index(c, "lidar") > 0
                    && Values(c, Index(c, "lidar")).Any(v => v > 50),
                Timeout,
                "the lidar's frame rate in its chart"
            );
            await Browser.UntilAsync(
                driver,
                _ => Values(Data(driver).GetProperty("level"), 1).Contains(1),
                Timeout,
                "LOW in the level band"
            );

            feed.Obstacle = true; // a car stalls 60 m from the post
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("level")).Text == "HIGH", Timeout, "HIGH on the page");
            await Browser.UntilAsync(
                driver,
                _ =>
                    Data(driver) is var data
                    && Values(data.GetProperty("obstacle"), 1).Any(v => v is > 59 and < 61.5)
                    && Values(data.GetProperty("level"), 1).Contains(3),
                Timeout,
                "the 60 m obstacle in the range chart and HIGH in the level band"
            );
            Directory.CreateDirectory(Path.Combine(Repo.Root, "artifacts"));
            ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Repo.Root, "artifacts", "status-trends-live.png"));

            // the past episode, asked for as a range: the dense fog and the MEDIUM it raised, from storage
            driver.ExecuteScript(
                """
                const local = s => { const d = new Date(s * 1000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 16); };
                document.getElementById('trends-period').value = 'custom';
                document.getElementById('trends-period').dispatchEvent(new Event('change'));
                document.getElementById('trends-from').value = local(arguments[0]);
                document.getElementById('trends-to').value = local(arguments[1]);
                document.getElementById('trends-show').click();
                """,
                t0 - 1800,
                t0 + 3600
            );
            await Browser.UntilAsync(
                driver,
                _ =>
                    Data(driver) is var data
                    && data.GetProperty("mode").GetString() == "custom"
                    && Values(data.GetProperty("visibility"), 1).Contains(120),
                Timeout,
                "the past fog episode's 120 m in the visibility chart"
            );
            var past = Data(driver);
            Assert.Equal(10, past.GetProperty("step").GetInt32()); // 90 min: 540 points of 10 s (5 s would be 1080)
            Assert.Equal(2000, Values(past.GetProperty("visibility"), 1).Max());
            Assert.Contains(2.0, Values(past.GetProperty("level"), 1)); // MEDIUM
            Assert.DoesNotContain(3.0, Values(past.GetProperty("level"), 1)); // no HIGH then
            var t = past.GetProperty("visibility").GetProperty("data")[0].EnumerateArray().Select(e => e.GetInt64()).ToList();
            var vis = past.GetProperty("visibility").GetProperty("data")[1].EnumerateArray().ToList();
            Assert.Equal(120, vis[t.IndexOf(t0 + 900)].GetDouble()); // mid-episode
            Assert.Equal(2000, vis[t.IndexOf(t0)].GetDouble()); // before it
            ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Repo.Root, "artifacts", "status-trends-range.png"));
        }
        finally
        {
            driver.Quit();
        }
    }

    /// <summary>Page weight on first load (bytes transferred, from the browser's resource timing) and time to first chart with the
    /// CPU throttled 4× (DevTools Emulation.setCPUThrottlingRate): printed and written to artifacts/page-weight.txt for
    /// docs/benchmarks/api.md. Asserts only the size budget (≤ 150 KB); no timing is asserted.</summary>
    [Fact]
    public async Task First_load_stays_within_150_KB_and_its_figures_are_recorded()
    {
        using var profile = Repo.NewTempDir();
        using var driver = Browser.Start(profile, 900, 3200);
        await using var d = await DaemonUnderTest.StartAsync(overrides: SensorFeed.Overrides());
        try
        {
            await using var feed = await SensorFeed.StartAsync(d);
            driver.Navigate().GoToUrl("about:blank");
            driver.ExecuteCdpCommand("Emulation.setCPUThrottlingRate", new Dictionary<string, object?> { ["rate"] = 4 });
            driver.Navigate().GoToUrl(d.ApiUrl + "/");
            await Browser.UntilAsync(
                driver,
                _ => driver.ExecuteScript("return window.kavachTrends.firstDrawMs()") is not null,
                Timeout,
                "a first chart"
            );
            var firstChartMs = Convert.ToDouble(driver.ExecuteScript("return window.kavachTrends.firstDrawMs()"));
            var entries = JsonDocument
                .Parse(
                    (string)
                        driver.ExecuteScript(
                            "return JSON.stringify([...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map(e => ({ name: e.name, transfer: e.transferSize, body: e.encodedBodySize })))"
                        )!
                )
                .RootElement.EnumerateArray()
                .Select(e =>
                    (
                        Name: e.GetProperty("name").GetString()!,
                        Transfer: e.GetProperty("transfer").GetInt64(),
                        Body: e.GetProperty("body").GetInt64()
                    )
                )
                .ToList();
            var transferred = entries.Sum(e => e.Transfer);
            var lines = new List<string>
            {
                $"first load, {entries.Count} requests, {transferred} bytes transferred (the page's files gzipped by the daemon, the JSON not)",
            };
            long gzipTotal = 0;
            foreach (var e in entries)
            {
                var path = new Uri(e.Name).AbsolutePath;
                var body = Kavach.Edge.Api.StatusPage.Serves(path) ? GzipSize(path) : 0;
                gzipTotal += body;
                lines.Add($"  {path}: {e.Transfer} transferred, {e.Body} body, {body} gzip -9");
            }
            lines.Add($"the page's files gzipped: {gzipTotal} bytes");
            lines.Add($"time to first chart with CPU 4x throttled: {firstChartMs:0} ms after navigation start");
            Directory.CreateDirectory(Path.Combine(Repo.Root, "artifacts"));
            await File.WriteAllLinesAsync(Path.Combine(Repo.Root, "artifacts", "page-weight.txt"), lines);
            Console.WriteLine(string.Join("\n", lines));
            Assert.Contains(entries, e => e.Name.EndsWith("/uPlot.iife.min.js", StringComparison.Ordinal));
            Assert.InRange(transferred, 10_000, 150 * 1024);
        }
        finally
        {
            driver.Quit();
        }
    }

    private static long GzipSize(string path)
    {
        var r = (Microsoft.AspNetCore.Http.HttpResults.FileContentHttpResult)Kavach.Edge.Api.StatusPage.Get(path);
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
            gz.Write(r.FileContents.Span);
        return ms.Length;
    }
}
