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
public class CabPageBrowserTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_cab_page_shows_the_speeds_of_the_status_in_day_and_night_and_no_data_when_the_daemon_is_gone()
    {
        using var profile = Repo.NewTempDir();
        using var driver = Browser.Start(profile, 800, 480);
        await using var d = await DaemonUnderTest.StartAsync(
            CabFeed.ConfigWithRoute(Path.Combine(Repo.Root, "deploy", "route.sample.csv"))
        );
        // 60 km/h in 200 m of fog with a 180 m LiDAR: stop-within-sight 31 km/h for 180 m (the reach), over-speed MEDIUM;
        // on the sample route's UP-MAIN line 200 m from its start, 600 m before its distant signal
        var scene = new CabFeed.Scene
        {
            SpeedKmh = 60,
            VisibilityM = 200,
            EastM = 200,
        };
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

            // the next landmarks from the route: three rows, the first one's distance counting down
            await Browser.UntilAsync(driver, w => w.FindElements(By.CssSelector("#landmarks li")).Count == 3, Timeout, "three landmarks");
            // (read in one script: the rows are redrawn every second)
            var rows = (
                (IReadOnlyCollection<object>)
                    driver.ExecuteScript(
                        "return [...document.querySelectorAll('#landmarks li')].map(li => [...li.children].map(c => c.textContent))"
                    )!
            )
                .Select(r => ((IReadOnlyCollection<object>)r).Cast<string>().ToArray())
                .ToArray();
            Assert.Equal(["SIG", "SIG", "STN"], rows.Select(r => r[0]));
            Assert.Equal("Distant D1 (Amritvan)", rows[0][1]);
            Assert.Matches(@"^\d\d:\d\d$", rows[0][3]);
            Assert.Equal("NEXT · UP-MAIN UP", Browser.Text(driver, "route-title"));
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

            // the distant signal is announced at 500 m (60 km/h: 30 s is 500 m too): the outputs add its pattern to MEDIUM's,
            // and one acknowledgement silences the over-speed's episode and ends the announcement
            await Wait.UntilAsync(
                async () =>
                    (await http.GetJsonAsync("/api/status")).Item2.GetProperty("outputs").GetProperty("pattern").GetString()
                    == "medium+announce",
                "the announcement on the outputs",
                Timeout
            );
            var (code, ack) = await http.PostJsonAsync("/api/alarm/ack", "{\"by\":\"loco pilot\"}");
            Assert.Equal(HttpStatusCode.OK, code);
            output.WriteLine(ack.GetProperty("reason").GetString());
            Assert.Contains(
                "announcement acknowledged: signal Distant D1 (Amritvan): ",
                ack.GetProperty("reason").GetString(),
                StringComparison.Ordinal
            );

            // a silent receiver: the speed is not shown, the reason is; the sight speed stays; the position is unknown,
            // said prominently, and no landmark distance is left standing
            scene.GnssSilent = true;
            await Browser.UntilAsync(driver, w => Browser.Text(w, "speed") == "—", Timeout, "the speed withdrawn");
            await Browser.UntilAsync(
                driver,
                w => Browser.Text(w, "route-state") == "POSITION UNKNOWN · GNSS silent",
                Timeout,
                "position unknown"
            );
            Assert.Empty(driver.FindElements(By.CssSelector("#landmarks li")));
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
