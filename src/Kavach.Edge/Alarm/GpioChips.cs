using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Globalization;
using System.Runtime.InteropServices;
using Kavach.Edge.Configuration;

namespace Kavach.Edge.Alarm;

/// <summary>
/// Opens the configured GPIO chip with the libgpiod driver that matches the installed library:
/// <c>LibGpiodV2Driver</c> for libgpiod 2.x (libgpiod.so.3: Debian 13, Raspberry Pi OS trixie),
/// <c>LibGpiodDriver</c> for 1.x (libgpiod.so.2: bookworm, Ubuntu 22.04/JetPack). The chip is found by
/// label (preferred: the header is <c>pinctrl-bcm2711</c> on a Pi 4, <c>pinctrl-rp1</c> on a Pi 5 — gpiochip4
/// or gpiochip0 depending on the kernel — and <c>tegra234-gpio</c> on a Jetson Orin), name or number.
/// Every failure is a <see cref="ConfigurationRefusedException"/> naming the chip and the likely fix.
/// </summary>
public static class GpioChips
{
    private const string V2Library = "libgpiod.so.3";
    private const string V1Library = "libgpiod.so.2";

    /// <summary>Which libgpiod to use: the configured one, or the newest installed.</summary>
    public static LibgpiodVersion Detect(LibgpiodVersion wanted, Func<string, bool>? present = null)
    {
        present ??= Loadable;
        if (wanted == LibgpiodVersion.V2 && !present(V2Library))
            throw new ConfigurationRefusedException(
                $"Alarm.Libgpiod: 2 but {V2Library} is not installed: apt-get install libgpiod3, or set \"Libgpiod\": \"auto\""
            );
        if (wanted == LibgpiodVersion.V1 && !present(V1Library))
            throw new ConfigurationRefusedException(
                $"Alarm.Libgpiod: 1 but {V1Library} is not installed: apt-get install libgpiod2, or set \"Libgpiod\": \"auto\""
            );
        if (wanted != LibgpiodVersion.Auto)
            return wanted;
        if (present(V2Library))
            return LibgpiodVersion.V2;
        if (present(V1Library))
            return LibgpiodVersion.V1;
        throw new ConfigurationRefusedException(
            $"Alarm.Driver: gpio needs libgpiod, and neither {V2Library} (libgpiod 2.x) nor {V1Library} (1.x) is installed: apt-get install libgpiod3 (Debian 13 / Raspberry Pi OS trixie) or libgpiod2 (bookworm, Ubuntu 22.04, JetPack)"
        );
    }

    /// <summary>Finds <paramref name="chip"/> (label, name or number) among <paramref name="chips"/>; null when absent.</summary>
    public static GpioChipInfo? Find(IEnumerable<GpioChipInfo> chips, string chip)
    {
        var list = chips.ToList();
        return list.FirstOrDefault(c => string.Equals(c.Label, chip, StringComparison.OrdinalIgnoreCase))
            ?? list.FirstOrDefault(c => string.Equals(c.Name, chip, StringComparison.OrdinalIgnoreCase))
            ?? (
                int.TryParse(chip, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    ? list.FirstOrDefault(c => c.Id == id)
                    : null
            );
    }

    /// <summary>Opens the chip; returns the driver and a description for the log ("libgpiod 2.x (LibGpiodV2Driver), gpiochip0
    /// 'pinctrl-bcm2711', 58 lines").</summary>
    public static (GpioDriver Driver, string Description) Open(AlarmOptions options)
    {
        var version = Detect(options.Libgpiod);
        var how =
            version == LibgpiodVersion.V2 ? $"libgpiod 2.x ({V2Library}, LibGpiodV2Driver)" : $"libgpiod 1.x ({V1Library}, LibGpiodDriver)";
        IList<GpioChipInfo> chips;
        try
        {
            chips = version == LibgpiodVersion.V2 ? LibGpiodV2Driver.GetAvailableChips() : LibGpiodDriver.GetAvailableChips();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            chips = []; // listing may need rights: opening the chip below reports that better
        }
        var info = Find(chips, options.Chip);
        var listed =
            chips.Count == 0
                ? "no chip is visible (/dev/gpiochip* missing or not readable: is the user in group gpio?)"
                : "available: " + string.Join(", ", chips.Select(Describe));
        if (info is null && !int.TryParse(options.Chip, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw new ConfigurationRefusedException(
                $"Alarm.Chip: no GPIO chip '{options.Chip}' ({listed}; via {how}). On a Pi 5 the header is pinctrl-rp1 (gpiochip4 before kernel 6.6.45, gpiochip0 after): select it by label"
            );
        var display = info is null ? $"gpiochip{options.Chip}" : Describe(info);
        try
        {
            GpioDriver driver =
                version == LibgpiodVersion.V2
                    ? (
                        info is null
                            ? new LibGpiodV2Driver(int.Parse(options.Chip, CultureInfo.InvariantCulture))
                            : new LibGpiodV2Driver(info)
                    )
                    : (info is null ? new LibGpiodDriver(int.Parse(options.Chip, CultureInfo.InvariantCulture)) : new LibGpiodDriver(info));
            return (driver, $"{how}, {display}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var denied =
                e is UnauthorizedAccessException || (e.Message + e.InnerException?.Message).Contains("ermission", StringComparison.Ordinal);
            var fix = denied ? "add the daemon's user to group gpio" : $"check the chip ({listed}); on a Pi 5 select pinctrl-rp1 by label";
            throw new ConfigurationRefusedException(
                $"Alarm.Chip: cannot open GPIO chip {display} with {how}: {e.Message}{(e.InnerException is { } i ? " " + i.Message : "")}. Likely fix: {fix}",
                e
            )
            {
                Transient = denied, // udev may not have applied the gpio group's rule yet at boot
            };
        }
    }

    private static string Describe(GpioChipInfo c) => $"{c.Name} '{c.Label}' ({c.NumLines} lines)";

    private static bool Loadable(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
            return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
