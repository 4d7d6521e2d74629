using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Kavach.Edge.Tests.Api;

/// <summary>The status page in headless Chromium against the real daemon, driven by sensors over TCP.</summary>
public class StatusPageBrowserTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_page_turns_high_live_and_its_acknowledge_button_silences_the_buzzer_and_a_lost_connection_shows_stale()
    {
        using var profile = Repo.NewTempDir();
        using var driver = Browser.Start(profile);
        await using var d = await DaemonUnderTest.StartAsync(overrides: SensorFeed.Overrides());
        var control = d.Host.Services.GetRequiredService<AlarmControl>();
        try
        {
            driver.Navigate().GoToUrl(d.ApiUrl + "/");
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("conn")).Text == "live", Timeout, "the page to go live");
            Assert.Equal("FAULT", Browser.Text(driver, "level")); // starting

            await using var feed = await SensorFeed.StartAsync(d);
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("level")).Text == "LOW", Timeout, "LOW on the page");
            Assert.Contains("LOW", driver.FindElement(By.Id("level-box")).GetAttribute("class"), StringComparison.Ordinal);
            Assert.False(driver.FindElement(By.Id("stale-banner")).Displayed);
            Assert.True(driver.FindElement(By.Id("ack")).GetAttribute("disabled") is not null);

            feed.Obstacle = true; // a car stalls 60 m from the post
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("level")).Text == "HIGH", Timeout, "HIGH on the page");
            await Browser.UntilAsync(
                driver,
                w => w.FindElement(By.Id("obstacle")).Text.StartsWith("6", StringComparison.Ordinal),
                Timeout,
                "the obstacle's range"
            );
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("ack")).Enabled, Timeout, "the acknowledge button enabled");
            Assert.False(control.BuzzerSilenced);
            driver.FindElement(By.Id("by")).SendKeys("asha");
            // artifacts/ (ignored by git); docs/status-page.png is a copy of one, refreshed by hand when the page changes.
            Directory.CreateDirectory(Path.Combine(Repo.Root, "artifacts"));
            ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Repo.Root, "artifacts", "status-page-high.png"));

            driver.FindElement(By.Id("ack")).Click();
            await Wait.UntilAsync(
                () => control.BuzzerSilenced,
                Timeout,
                "the buzzer silenced by the page's acknowledge (page: " + Browser.Text(driver, "ack-result") + ")"
            );
            await Browser.UntilAsync(
                driver,
                w => w.FindElement(By.Id("buzzer")).Text.Contains("SILENCED", StringComparison.Ordinal),
                Timeout,
                "the page to show the buzzer silenced"
            );
            Assert.Equal("HIGH", Browser.Text(driver, "level"));
            // the command's answer ("done: …") and the broadcast operator event ("ack by …") share the field;
            // whichever arrives last shows, and both say the acknowledgement went through
            var ackText = Browser.Text(driver, "ack-result");
            Assert.True(
                ackText.StartsWith("done", StringComparison.Ordinal) || ackText.StartsWith("ack by", StringComparison.Ordinal),
                ackText
            );

            // The daemon goes away: the page must not keep showing a level as if live.
            await d.Api.StopAsync(CancellationToken.None);
            await Browser.UntilAsync(driver, w => w.FindElement(By.Id("stale-banner")).Displayed, Timeout, "the stale banner");
            Assert.Equal("NO DATA", Browser.Text(driver, "level"));
            Assert.Contains("stale", driver.FindElement(By.Id("level-box")).GetAttribute("class"), StringComparison.Ordinal);
            Assert.Contains("last known HIGH", Browser.Text(driver, "reasons"), StringComparison.Ordinal);
        }
        finally
        {
            driver.Quit();
        }
    }
}
