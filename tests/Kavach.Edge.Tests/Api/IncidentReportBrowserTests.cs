using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Kavach.Edge.Tests.Api;

/// <summary>The incident report in headless Chromium: a HIGH raised through the sensors, acknowledged from the status page,
/// its report opened from the page's event list.</summary>
public class IncidentReportBrowserTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_report_opened_from_the_event_list_shows_the_acknowledgement_with_the_operators_name()
    {
        using var profile = Repo.NewTempDir();
        using var driver = Browser.Start(profile, width: 1000, height: 1500);
        await using var d = await DaemonUnderTest.StartAsync(overrides: SensorFeed.Overrides());
        var control = d.Host.Services.GetRequiredService<AlarmControl>();
        try
        {
            driver.Navigate().GoToUrl(d.ApiUrl + "/");
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("conn")).Text == "live", Timeout, "the page to go live");
            await using (var feed = await SensorFeed.StartAsync(d))
            {
                await Browser.UntilAsync(driver, w => w.FindElement(By.Id("level")).Text == "LOW", Timeout, "LOW on the page");
                feed.Obstacle = true;
                await Browser.UntilAsync(
                    driver,
                    w => w.FindElement(By.Id("ack")).Enabled,
                    Timeout,
                    "HIGH with the acknowledge button enabled"
                );
                Assert.Equal("HIGH", Browser.Text(driver, "level"));
                driver.FindElement(By.Id("by")).SendKeys("Asha Verma");
                driver.FindElement(By.Id("ack")).Click();
                await Wait.UntilAsync(() => control.BuzzerSilenced, Timeout, "the buzzer silenced by the page's acknowledge");
                feed.Obstacle = false;
                await Browser.UntilAsync(driver, w => w.FindElement(By.Id("level")).Text == "LOW", Timeout, "LOW again");
            }
            var high = d.Committed.First(s => s.Level == RiskLevel.High);
            // the event list reloads on each level change; the HIGH's item links its report
            IWebElement? link = null;
            await Browser.UntilAsync(
                driver,
                w => (link = w.FindElements(By.CssSelector("#events li.lv-HIGH a.report-link")).FirstOrDefault()) is not null,
                Timeout,
                "the HIGH's incident report link in the event list"
            );
            var href = link!.GetAttribute("href")!;
            Assert.EndsWith($"-{high.Change}", href, StringComparison.Ordinal);
            link.Click();
            await Browser.UntilAsync(
                driver,
                w => w.FindElement(By.TagName("body")).GetAttribute("data-loaded") is { Length: > 0 },
                Timeout,
                "the report loaded (" + href + ")"
            );
            Assert.Contains("/report.html#", driver.Url, StringComparison.Ordinal);
            var summary = driver.FindElement(By.Id("summary")).Text;
            Assert.Contains("Highest level", summary, StringComparison.Ordinal);
            Assert.Contains("HIGH", summary, StringComparison.Ordinal);
            Assert.Matches(@"Acknowledged\s+Asha Verma at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \(api\)", summary);
            var ack = driver
                .FindElements(By.CssSelector("#operator tr"))
                .Select(r => r.FindElements(By.TagName("td")).Select(c => c.Text).ToList())
                .Single(r => r[1] == "ack");
            Assert.Equal("Asha Verma", ack[2]);
            Assert.Equal("api", ack[3]);
            Assert.EndsWith($"-{high.Change}", ack[4], StringComparison.Ordinal);
            // both layers' views of the HIGH
            var cells = driver
                .FindElements(By.CssSelector("#levels tr.in"))
                .Select(r => r.FindElements(By.TagName("td")).Select(c => c.Text).ToList())
                .Single(c => c[1].EndsWith($"-{high.Change} (episode)", StringComparison.Ordinal));
            Assert.StartsWith("HIGH", cells[2], StringComparison.Ordinal);
            Assert.StartsWith("HIGH", cells[3], StringComparison.Ordinal); // the floor
            Assert.NotEqual("no model running", cells[4]); // the committed model runs by default
            Assert.Contains("red on", cells[6], StringComparison.Ordinal);

            Directory.CreateDirectory(Path.Combine(Repo.Root, "artifacts"));
            ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Repo.Root, "artifacts", "incident-report.png"));
            // printed: no navigation, no buttons
            driver.ExecuteCdpCommand("Emulation.setEmulatedMedia", new Dictionary<string, object?> { ["media"] = "print" });
            Assert.False(driver.FindElement(By.Id("print")).Displayed);
            Assert.True(driver.FindElement(By.Id("summary")).Displayed);
        }
        finally
        {
            driver.Quit();
        }
    }
}
