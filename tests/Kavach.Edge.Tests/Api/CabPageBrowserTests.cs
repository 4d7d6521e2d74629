using System.Globalization;
using System.Net;
using System.Text.Json;
using Kavach.Edge.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Kavach.Edge.Tests.Api;

/// <summary>
/// The cab display (/cab) in headless Chromium at 800x480 against a real daemon in locomotive mode fed by loopback TCP
/// sensors. Screenshots go to artifacts/ (ignored by git); docs/cab-day.png, cab-night.png and cab-nodata.png are copies,
/// refreshed by hand when the page changes.
/// </summary>
public class CabPageBrowserTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // /api/status has no "route" yet (issue 16, items 1-3): this script, run before the page's own, adds one to every
    // status the WebSocket brings, in the shape the page expects, its distances counting down at 60 km/h (a 600 m cycle).
    // window.cabTestRoute switches the state.
    private const string RouteScript = """
        (() => {
          const t0 = Date.now(), v = 60 / 3.6;
          window.cabTestRoute = 'on-route';
          const route = () => {
            const run = ((Date.now() - t0) / 1000 * v) % 600;
            const next = [['signal', 'S-14 Kamalpur home', 850], ['level-crossing', 'LC 27 (manned)', 2300],
                          ['speed-restriction', 'Bridge 112', 3950, 50]]
              .map(([kind, name, at, limit]) => Object.assign({ kind, name, distanceM: at - run, timeS: (at - run) / v },
                                                               limit ? { speedLimitKmh: limit } : {}));
            return { state: window.cabTestRoute, line: 'KMP-BRP', direction: 'UP', next: window.cabTestRoute === 'on-route' ? next : [] };
          };
          const Native = window.WebSocket;
          window.WebSocket = class extends Native {
            set onmessage(handler) {
              super.onmessage = e => {
                const m = JSON.parse(e.data);
                if (m.type === 'status') m.status.route = route();
                handler({ data: JSON.stringify(m) });
              };
            }
          };
        })();
        """;

    [Fact]
    public async Task The_cab_page_shows_the_speeds_of_the_status_in_day_and_night_and_no_data_when_the_daemon_is_gone()
    {
        using var profile = Repo.NewTempDir();
        using var driver = Browser.Start(profile, 800, 480);
        driver.ExecuteCdpCommand("Page.addScriptToEvaluateOnNewDocument", new Dictionary<string, object?> { ["source"] = RouteScript });
        await using var d = await DaemonUnderTest.StartAsync(CabFeed.Config);
        // 60 km/h in 200 m of fog with a 180 m LiDAR: stop-within-sight 31 km/h for 180 m (the reach), over-speed MEDIUM
        var scene = new CabFeed.Scene { SpeedKmh = 60, VisibilityM = 200 };
        var (run, stop) = await CabFeed.StartAsync(d, scene);
        using var http = d.NewHttpClient();
        try
        {
            driver.Navigate().GoToUrl(d.ApiUrl + "/cab?theme=day");
            Browser.SetViewport(driver, 800, 480);
            await Browser.UntilAsync(driver, w => Browser.Text(w, "conn") == "live", Timeout, "the page to go live");
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("overspeed")).Displayed, Timeout, "the over-speed shown");
            Assert.Equal(new[] { "day" }, BodyClasses(driver).Intersect(["day", "night"]));

            // the figures on the page are the status's
            await UntilPageMatchesStatusAsync(driver, http);
            Assert.Equal("60", Browser.Text(driver, "speed"));
            Assert.Equal("31", Browser.Text(driver, "sight-speed"));
            Assert.Equal("stops within 180 m · sensor reach", Browser.Text(driver, "sight-distance"));
            Assert.Equal("OVER SPEED · SLOW TO 31", Browser.Text(driver, "overspeed"));
            Assert.Equal("MEDIUM", Browser.Text(driver, "level"));
            Assert.Contains("MEDIUM", driver.FindElement(By.Id("level-box")).GetAttribute("class"), StringComparison.Ordinal);

            // the next landmarks: three rows, the first one's distance counting down
            var rows = driver.FindElements(By.CssSelector("#landmarks li"));
            Assert.Equal(3, rows.Count);
            Assert.Equal("SIG", rows[0].FindElement(By.ClassName("kind")).Text);
            Assert.Equal("SR 50", rows[2].FindElement(By.ClassName("kind")).Text);
            Assert.Matches(@"^\d\d:\d\d$", rows[0].FindElement(By.ClassName("time")).Text);
            Assert.Equal("NEXT · KMP-BRP UP", Browser.Text(driver, "route-title"));
            var first = FirstDistanceM(driver);
            await Browser.UntilAsync(
                driver,
                w => FirstDistanceM(w) < first,
                Timeout,
                $"the first landmark's distance to fall from {first} m"
            );
            Shot(driver, "cab-day.png");
            const string fits = """
                const box = document.getElementById(arguments[0]).getBoundingClientRect(), figure = document.getElementById(arguments[1]);
                figure.textContent = '160';
                return figure.getBoundingClientRect().right <= box.right;
                """;
            Assert.True((bool)driver.ExecuteScript(fits, "speed-box", "speed")!, "160 km/h fits the speed panel");
            Assert.True((bool)driver.ExecuteScript(fits, "sight-box", "sight-speed")!, "160 km/h fits the sight panel");

            // night by the button, remembered without the query
            driver.FindElement(By.Id("theme")).Click();
            Assert.Contains("night", BodyClasses(driver));
            Assert.Equal("DAY", Browser.Text(driver, "theme"));
            driver.Navigate().GoToUrl(d.ApiUrl + "/cab");
            await Browser.UntilAsync(
                driver,
                w => Browser.Text(w, "conn") == "live" && Browser.Text(w, "speed") == "60",
                Timeout,
                "the speed, live, after the reload"
            );
            Assert.Contains("night", BodyClasses(driver));
            Shot(driver, "cab-night.png");

            // position unknown: said prominently, no landmark distance left standing
            ((IJavaScriptExecutor)driver).ExecuteScript("window.cabTestRoute = 'position-unknown'");
            await Browser.UntilAsync(driver, w => Browser.Text(w, "route-state") == "POSITION UNKNOWN", Timeout, "position unknown");
            Assert.Empty(driver.FindElements(By.CssSelector("#landmarks li")));

            // a silent receiver: the speed is not shown, the reason is; the sight speed stays
            scene.GnssSilent = true;
            await Browser.UntilAsync(driver, w => Browser.Text(w, "speed") == "—", Timeout, "the speed withdrawn");
            Assert.Equal("SPEED UNKNOWN: GNSS silent (stale)", Browser.Text(driver, "trust"));
            Assert.Contains("untrusted", driver.FindElement(By.Id("speed-box")).GetAttribute("class"), StringComparison.Ordinal);
            Assert.Equal("31", Browser.Text(driver, "sight-speed"));

            // the daemon goes away: grey, NO DATA, and no figure left standing
            await d.Api.StopAsync(CancellationToken.None);
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("stale-banner")).Displayed, Timeout, "the NO DATA banner");
            Assert.Equal("NO DATA", Browser.Text(driver, "level"));
            Assert.Contains("stale", BodyClasses(driver));
            Assert.StartsWith("last known", Browser.Text(driver, "reasons"), StringComparison.Ordinal);
            foreach (var id in new[] { "speed", "sight-speed", "visibility", "obstacle" })
                Assert.Equal("—", Browser.Text(driver, id));
            Assert.Empty(driver.FindElements(By.CssSelector("#landmarks li")));
            Assert.False(driver.FindElement(By.Id("overspeed")).Displayed);
            Shot(driver, "cab-nodata.png");
        }
        finally
        {
            await stop.CancelAsync();
            await run;
            driver.Quit();
        }
    }

    [Fact]
    public async Task With_a_key_the_cab_page_trades_the_one_in_its_url_fragment_and_a_wrong_one_falls_back_to_the_dialog()
    {
        const string key = "k3y-for-tests-0123456789abcdef";
        using var dir = Repo.NewTempDir();
        dir.Secret("api.key", key + "\n");
        await using var d = await DaemonUnderTest.StartAsync(overrides: new() { ["Api:KeyFile"] = dir.File("api.key") });
        using var profile = Repo.NewTempDir();
        using var driver = Browser.Start(profile, 800, 480);
        try
        {
            driver.Navigate().GoToUrl(d.ApiUrl + "/cab#key=" + key);
            Browser.SetViewport(driver, 800, 480);
            await Browser.UntilAsync(driver, w => Browser.Text(w, "conn") == "live", Timeout, "the page to go live with the key");
            Assert.Equal("not a locomotive unit", Browser.Text(driver, "trust")); // a trackside unit's status: no cab
            Assert.DoesNotContain("#", driver.Url, StringComparison.Ordinal); // the key is not left in the address
            Assert.False(driver.FindElement(By.Id("login")).Displayed);

            using var other = Repo.NewTempDir();
            using var second = Browser.Start(other, 800, 480);
            try
            {
                second.Navigate().GoToUrl(d.ApiUrl + "/cab#key=not-the-key-0000000000000");
                await Browser.UntilAsync(second, w => w.FindElement(By.Id("login")).Displayed, Timeout, "the key dialog");
                Assert.Equal("NO DATA", Browser.Text(second, "level"));
            }
            finally
            {
                second.Quit();
            }
        }
        finally
        {
            driver.Quit();
        }
    }

    private static async Task UntilPageMatchesStatusAsync(ChromeDriver driver, HttpClient http)
    {
        await Wait.UntilAsync(
            async () =>
            {
                var (code, status) = await http.GetJsonAsync("/api/status");
                Assert.Equal(HttpStatusCode.OK, code);
                var cab = status.GetProperty("cab");
                var speed = cab.GetProperty("ownSpeedKmh") is { ValueKind: JsonValueKind.Number } v
                    ? Math.Round(v.GetDouble())
                    : double.NaN;
                var sight = cab.GetProperty("sightSpeedKmh").GetDouble();
                var page = (Browser.Text(driver, "speed"), Browser.Text(driver, "sight-speed"));
                return page == (speed.ToString(CultureInfo.InvariantCulture), sight.ToString(CultureInfo.InvariantCulture));
            },
            "the page's speeds to be the status's",
            Timeout
        );
    }

    private static int FirstDistanceM(IWebDriver driver)
    {
        var text = driver.FindElement(By.CssSelector("#landmarks li .dist")).Text;
        Assert.EndsWith(" m", text, StringComparison.Ordinal);
        return int.Parse(text[..^2], CultureInfo.InvariantCulture);
    }

    private static string[] BodyClasses(IWebDriver driver) =>
        (driver.FindElement(By.TagName("body")).GetAttribute("class") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static void Shot(IWebDriver driver, string name)
    {
        Directory.CreateDirectory(Path.Combine(Repo.Root, "artifacts"));
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Repo.Root, "artifacts", name));
    }
}
