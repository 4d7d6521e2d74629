using System.Device.Gpio;
using System.Diagnostics;
using Kavach.Edge.Alarm;
using Kavach.Edge.Configuration;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>Choosing the libgpiod driver and the chip, and the exit-2 refusal when they cannot be opened.</summary>
public class GpioChipsTests
{
    [Fact]
    public void Detect_prefers_libgpiod_2_then_1_and_refuses_none_with_the_package_names()
    {
        Assert.Equal(LibgpiodVersion.V2, GpioChips.Detect(LibgpiodVersion.Auto, _ => true));
        Assert.Equal(LibgpiodVersion.V1, GpioChips.Detect(LibgpiodVersion.Auto, l => l == "libgpiod.so.2"));
        Assert.Equal(LibgpiodVersion.V1, GpioChips.Detect(LibgpiodVersion.V1, _ => true));
        var none = Assert.Throws<ConfigurationRefusedException>(() => GpioChips.Detect(LibgpiodVersion.Auto, _ => false));
        Assert.Contains("apt-get install libgpiod3", none.Message);
        Assert.Contains("libgpiod2", none.Message);
        var v2 = Assert.Throws<ConfigurationRefusedException>(() => GpioChips.Detect(LibgpiodVersion.V2, l => l == "libgpiod.so.2"));
        Assert.StartsWith("Alarm.Libgpiod:", v2.Message);
    }

    [Fact]
    public void Chip_is_found_by_label_name_or_number()
    {
        GpioChipInfo[] chips =
        [
            new(0, "gpiochip0", "pinctrl-rp1", 54),
            new(1, "gpiochip1", "rp1-gpio-aux", 4),
            new(4, "gpiochip4", "x", 2),
        ];
        Assert.Equal(0, GpioChips.Find(chips, "PINCTRL-RP1")!.Id);
        Assert.Equal(4, GpioChips.Find(chips, "gpiochip4")!.Id);
        Assert.Equal(1, GpioChips.Find(chips, "1")!.Id);
        Assert.Null(GpioChips.Find(chips, "pinctrl-bcm2711"));
    }

    private static AlarmOptions Gpio(string chip)
    {
        var o = TestConfig.Valid(
            overrides: new Dictionary<string, string?>
            {
                ["Alarm:Driver"] = "gpio",
                ["Alarm:Chip"] = chip,
                ["Alarm:Red:Line"] = "17",
            }
        );
        return o.Alarm;
    }

    [Theory]
    [InlineData("pinctrl-rp1")]
    [InlineData("7")]
    public void Real_libgpiod_refuses_a_missing_chip_naming_it_and_the_fix(string chip)
    {
        // Runs the real LibGpiod driver: this machine has no /dev/gpiochip*. Without libgpiod installed
        // the refusal names the packages instead.
        var e = Assert.Throws<ConfigurationRefusedException>(() => GpioChips.Open(Gpio(chip)));
        if (e.Message.StartsWith("Alarm.Driver:", StringComparison.Ordinal))
        {
            Assert.Contains("apt-get install", e.Message);
            return;
        }
        Assert.StartsWith("Alarm.Chip:", e.Message);
        Assert.Contains(chip == "7" ? "gpiochip7" : "'pinctrl-rp1'", e.Message);
        Assert.Contains("libgpiod", e.Message);
        Assert.Contains("pinctrl-rp1", e.Message); // the Pi 5 hint
    }

    [Fact]
    public async Task Daemon_exits_2_with_the_message_when_the_gpio_chip_cannot_be_opened()
    {
        using var dir = Repo.NewTempDir();
        var config = TestConfig.Minimal.Replace(
            "\"Logging\": { \"File\": \"\" }",
            $"\"Logging\": {{ \"File\": \"\", \"Console\": false }}, \"Storage\": {{ \"Path\": \"{dir.File("k.db")}\" }}, "
                + "\"Alarm\": { \"Driver\": \"gpio\", \"Chip\": \"pinctrl-nothere\", \"Red\": { \"Line\": 17 } }"
        );
        File.WriteAllText(dir.File("kavach.json"), config);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = dir.Path,
        };
        foreach (var a in new[] { Repo.DaemonDll, "--config", dir.File("kavach.json") })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // it should refuse at once
        await p.WaitForExitAsync(cts.Token);
        var (err, output) = (await stderr, await stdout);
        Assert.True(p.ExitCode == 2, $"exit {p.ExitCode}\n{err}\n{output}");
        Assert.Contains("configuration refused: Alarm.", err);
        Assert.Matches("pinctrl-nothere|apt-get install", err);
    }
}
