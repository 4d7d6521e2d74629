using Kavach.Edge.Configuration;
using Kavach.Edge.SelfTest.Checks;

namespace Kavach.Edge.SelfTest;

/// <summary>
/// The checks `selftest` runs, in table order: registered here explicitly (no scanning). A stage that
/// brings hardware or a service adds its check here (GPIO replaces <see cref="AlarmCheck"/>, the model
/// stage replaces <see cref="ModelCheck"/>, the uplink passes its TLS settings to <see cref="UplinkCheck"/>).
/// </summary>
public static class SelfTestChecks
{
    public static IReadOnlyList<ISelfTestCheck> For(KavachOptions options)
    {
        var checks = new List<ISelfTestCheck>
        {
            new ServiceCheck(),
            new ModelCheck(),
            new DatabaseCheck(),
        };
        checks.AddRange(options.Sensors.Select(s => new SensorTransportCheck(s)));
        checks.Add(new AlarmCheck());
        checks.Add(new UplinkCheck());
        checks.Add(new CpuTemperatureCheck());
        checks.Add(new ThrottlingCheck());
        checks.Add(new ClockSyncCheck());
        return checks;
    }
}
