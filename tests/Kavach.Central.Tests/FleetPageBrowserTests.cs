using System.Diagnostics;
using Kavach.Central.Tests.Support;
using Kavach.Edge.Tests.Support;
using OpenQA.Selenium;

namespace Kavach.Central.Tests;

/// <summary>The fleet page in headless Chromium (Debian's chromium + chromium-driver) on a real broker and PostgreSQL:
/// a post that falls silent is shown offline within 1.5 × its keep-alive plus the page's refresh; levels carry their
/// glyph and text; one post's history; the stale banner when the central is gone.</summary>
[Collection(PostgresCollection.Name)]
public class FleetPageBrowserTests(PostgresFixture pg)
{
    private const int KeepAliveS = 2;
    private const int PageRefreshMs = 2000; // app.js REFRESH_MS

    private static string Row(IWebDriver driver, string id) => driver.FindElement(By.CssSelector($"tr[data-device='{id}']")).Text;

    [Fact]
    public async Task A_post_that_falls_silent_shows_offline_on_the_page_within_1_5_keep_alives_plus_a_refresh()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var central = await CentralRig.StartAsync(
            broker.Port,
            await pg.Cluster.CreateDatabaseAsync(),
            extra: new() { ["Fleet:KeepAliveS"] = KeepAliveS.ToString(System.Globalization.CultureInfo.InvariantCulture) }
        );
        await using var post = await DeviceClient.ConnectAsync(broker.Port, "lc-page");
        await using var calm = await DeviceClient.ConnectAsync(broker.Port, "lc-calm");
        await post.OnlineAsync();
        await post.AlertAsync("e1", 3); // HIGH, risen from MEDIUM: an episode nobody acknowledged
        await calm.OnlineAsync();
        await calm.AlertAsync("e1", 1); // LOW
        using var stopCalm = new CancellationTokenSource();
        var calmAlive = Task.Run(async () =>
        {
            while (!stopCalm.IsCancellationRequested)
            {
                await calm.TelemetryAsync();
                await Task.Delay(300);
            }
        });

        using var profile = Repo.NewTempDir();
        using var driver = Browser.Start(profile, 1200, 900);
        driver.Navigate().GoToUrl(central.BaseUrl + "/");
        var lastWord = Stopwatch.StartNew(); // restarted at lc-page's last message below
        await post.TelemetryAsync();
        lastWord.Restart();
        await Browser.UntilAsync(
            driver,
            d =>
                Row(d, "lc-page").Contains("◆ HIGH", StringComparison.Ordinal)
                && Row(d, "lc-page").Contains("● ONLINE", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "lc-page online at ◆ HIGH"
        );
        var row = Row(driver, "lc-page");
        Assert.Contains("NOT ACKNOWLEDGED", row, StringComparison.Ordinal);
        Assert.Equal("lc-page", driver.FindElement(By.CssSelector("#fleet-body tr")).GetDomAttribute("data-device")); // unacknowledged HIGH first
        Assert.Contains("● LOW", Row(driver, "lc-calm"), StringComparison.Ordinal);

        // lc-page says nothing more (its connection stays up: no last will); the page must show it offline
        TimeSpan? seenOffline = null;
        var limit = TimeSpan.FromSeconds(KeepAliveS * 1.5) + TimeSpan.FromMilliseconds(PageRefreshMs);
        await Browser.UntilAsync(
            driver,
            d =>
            {
                if (!Row(d, "lc-page").Contains("⊘ OFFLINE (silent)", StringComparison.Ordinal))
                    return false;
                seenOffline = lastWord.Elapsed;
                return true;
            },
            limit + TimeSpan.FromSeconds(3), // + the page's fetch and the browser's rendering on a loaded machine
            $"lc-page offline within {limit.TotalSeconds} s of its last message"
        );
        Assert.True(seenOffline >= TimeSpan.FromSeconds(KeepAliveS * 1.5), $"offline only after 1.5 keep-alives, not after {seenOffline}");
        Assert.Contains("◆ HIGH", Row(driver, "lc-page"), StringComparison.Ordinal); // its last word stays on show
        Assert.Contains("● ONLINE", Row(driver, "lc-calm"), StringComparison.Ordinal); // the post that still talks is online

        // one post's history
        driver.FindElement(By.CssSelector("tr[data-device='lc-page'] button.device")).Click();
        await Browser.UntilAsync(
            driver,
            d => d.FindElement(By.CssSelector("#history-body tr[data-seq='3']")).Text.Contains("◆ HIGH", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15),
            "lc-page's history with its HIGH alert"
        );
        Assert.Equal("lc-page", Browser.Text(driver, "history-device"));

        // the central goes away: the page says it is stale, never "all clear"
        await stopCalm.CancelAsync();
        await calmAlive;
        Assert.False(driver.FindElement(By.Id("stale")).Displayed);
        await central.DisposeAsync();
        await Browser.UntilAsync(
            driver,
            d => d.FindElement(By.Id("stale")).Displayed && Browser.Text(d, "conn").StartsWith("UNREACHABLE", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            "the stale banner"
        );
        Assert.Contains("CENTRAL UNREACHABLE", driver.FindElement(By.Id("stale")).Text, StringComparison.Ordinal);
    }
}
