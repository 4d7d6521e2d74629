using Kavach.Edge.Configuration;
using Kavach.Edge.SelfTest.Checks;

namespace Kavach.Edge.SelfTest;

/// <summary>
/// The checks `selftest` runs, in table order: registered here explicitly (no scanning). A stage that
/// brings hardware or a service adds its check here: the model runs a known input, the alarm opens its GPIO
/// chip and lines, the uplink connects with its TLS settings.
/// </summary>
public static class SelfTestChecks
{
    public static IReadOnlyList<ISelfTestCheck> For(KavachOptions options)
    {
        var checks = new List<ISelfTestCheck> { new ServiceCheck(), new ModelCheck(), new DatabaseCheck(), new CommissioningCheck() };
        checks.AddRange(options.Sensors.Select(s => new SensorTransportCheck(s)));
        checks.Add(new AlarmCheck());
        checks.Add(new UplinkCheck(options.Uplink.Tls, options.Uplink.CaFile.Length > 0 ? options.Uplink.CaFile : null));
        checks.Add(new CpuTemperatureCheck());
        checks.Add(new ThrottlingCheck());
        checks.Add(new ClockSyncCheck());
        return checks;
    }
}
