using System.Globalization;

namespace Kavach.Edge.SelfTest.Checks;

/// <summary>
/// The hottest thermal zone (/sys/class/thermal/thermal_zone*/temp, millidegrees Celsius). A Raspberry Pi
/// starts soft-throttling at 80 °C (60 °C on some firmware settings) and a Jetson throttles near 97 °C; a
/// cabinet over <see cref="MaxCelsius"/> at install time needs a look before the summer does.
/// </summary>
public sealed class CpuTemperatureCheck(string thermalRoot = "/sys/class/thermal") : ISelfTestCheck
{
    public const double MaxCelsius = 80;

    public string Name => "cpu temperature";

    public Task<SelfTestResult> RunAsync(SelfTestContext context, CancellationToken cancellationToken)
    {
        var zones = Directory.Exists(thermalRoot) ? Directory.GetDirectories(thermalRoot, "thermal_zone*") : [];
        (string Zone, double C)? hottest = null;
        foreach (var z in zones)
        {
            try
            {
                var raw = File.ReadAllText(Path.Combine(z, "temp")).Trim();
                if (!double.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli))
                    continue;
                var type = File.Exists(Path.Combine(z, "type")) ? File.ReadAllText(Path.Combine(z, "type")).Trim() : Path.GetFileName(z);
                var c = milli / 1000.0;
                if (hottest is null || c > hottest.Value.C)
                    hottest = (type, c);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        if (hottest is not { } h)
            return Task.FromResult(SelfTestResult.Skip(Name, $"no readable thermal zone under {thermalRoot}"));
        var detail = string.Create(CultureInfo.InvariantCulture, $"{h.C:0.0} °C ({h.Zone}, hottest of {zones.Length} zone(s))");
        return Task.FromResult(
            h.C < MaxCelsius
                ? SelfTestResult.Pass(Name, detail)
                : SelfTestResult.Fail(
                    Name,
                    detail + string.Create(CultureInfo.InvariantCulture, $": at or above {MaxCelsius:0} °C, check cooling")
                )
        );
    }
}
