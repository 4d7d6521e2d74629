using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Kavach.Edge.Tests.Support;

/// <summary>
/// Headless Chromium through Debian's chromium + chromium-driver (no download: this machine and CI have
/// no internet). A missing browser fails the test with how to install it — never a silent skip.
/// </summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string DriverFolder = "/usr/bin";

    public static ChromeDriver Start(TempDir profile, int width = 480, int height = 1400)
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(Path.Combine(DriverFolder, "chromedriver")))
            Assert.Fail(
                $"headless Chromium is missing ({ChromiumPath}, {DriverFolder}/chromedriver): apt-get update && apt-get install -y chromium chromium-driver (tests/run.sh does this as root)"
            );
        var service = ChromeDriverService.CreateDefaultService(DriverFolder, "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            $"--user-data-dir={profile.Path}",
            $"--window-size={width},{height}"
        );
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Sizes the window so the page's viewport is <paramref name="width"/> x <paramref name="height"/> CSS pixels (a kiosk's
    /// whole screen): headless Chromium's --window-size counts its window's frame too.
    /// </summary>
    public static void SetViewport(ChromeDriver driver, int width, int height)
    {
        var inner = (IReadOnlyCollection<object>)driver.ExecuteScript("return [window.innerWidth, window.innerHeight]")!;
        var (w, h) = (Convert.ToInt32(inner.First()), Convert.ToInt32(inner.Last()));
        var outer = driver.Manage().Window.Size;
        driver.Manage().Window.Size = new System.Drawing.Size(outer.Width + width - w, outer.Height + height - h);
        inner = (IReadOnlyCollection<object>)driver.ExecuteScript("return [window.innerWidth, window.innerHeight]")!;
        Assert.Equal([width, height], inner.Select(Convert.ToInt32));
    }

    /// <summary>Polls the page until <paramref name="condition"/> holds; fails with what the page shows.</summary>
    public static async Task UntilAsync(IWebDriver driver, Func<IWebDriver, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (condition(driver))
                    return;
            }
            catch (WebDriverException) { } // the element is being replaced: look again
            if (DateTime.UtcNow > deadline)
                Assert.Fail(
                    $"timed out after {timeout.TotalSeconds:0} s waiting for {what}; the page shows: {Text(driver, "level")} / {Text(driver, "reasons")} / {Text(driver, "conn")}"
                );
            await Task.Delay(100);
        }
    }

    public static string Text(IWebDriver driver, string id)
    {
        try
        {
            return driver.FindElement(By.Id(id)).Text;
        }
        catch (WebDriverException)
        {
            return "?";
        }
    }
}
