using Kavach.Contracts;
using Kavach.Edge.Tests.Support;
using Kavach.Sim;

namespace Kavach.Central.Tests;

/// <summary>The fleet simulator's payloads are the daemon's: they fit the published schemas, and the central's reader
/// takes them with the right key, level and state.</summary>
public class FleetPayloadsTests
{
    private static string Schema(string name) => Path.Combine(Repo.Root, "docs", "schemas", name);

    private static readonly DateTimeOffset At = new(2026, 12, 5, 6, 14, 3, 217, TimeSpan.Zero);

    [Theory]
    [InlineData(0, -1)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void An_alert_of_every_level_fits_the_schema_and_is_read_with_its_key(int level, int previous)
    {
        var json = new FleetPayloads().Alert("sim-0042", "9f3a61c04be27d58", 17, level, previous, At, "b07d2c41e9a35f18");
        var errors = SchemaCheck.Validate(Schema("alert.schema.json"), System.Text.Encoding.UTF8.GetString(json));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.True(UplinkReader.TryReadAlerts(json, out var a, out var shed, out var error), error);
        Assert.Null(shed);
        Assert.Equal(
            (
                "sim-0042",
                "9f3a61c04be27d58",
                17L,
                At,
                FleetPayloads.Levels[level],
                previous < 0 ? null : FleetPayloads.Levels[previous],
                true
            ),
            (a!.DeviceId, a.Epoch, a.Seq, a.Ts, a.Level, a.Previous, a.ClockSynced)
        );
    }

    [Fact]
    public void Statuses_and_telemetry_fit_their_schemas_and_are_read()
    {
        var p = new FleetPayloads();
        var online = p.Online("0123456789abcdef", At, "b07d2c41e9a35f18");
        var offline = p.Offline("0123456789abcdef");
        var telemetry = p.Telemetry("sim-0042", 2, 600, At);
        foreach (
            var (schema, json) in new[]
            {
                ("status.schema.json", online),
                ("status.schema.json", offline),
                ("telemetry.schema.json", telemetry),
            }
        )
        {
            var errors = SchemaCheck.Validate(Schema(schema), System.Text.Encoding.UTF8.GetString(json));
            Assert.True(errors.Count == 0, schema + ": " + string.Join("\n", errors));
        }
        Assert.True(UplinkReader.TryReadStatus(online, out var s, out var error), error);
        Assert.Equal(
            ("online", "0123456789abcdef", "b07d2c41e9a35f18", (DateTimeOffset?)At),
            (s!.State, s.Instance, s.Commissioning, s.StartedAt)
        );
        Assert.True(UplinkReader.TryReadStatus(offline, out s, out error), error);
        Assert.Equal(("offline", "0123456789abcdef"), (s!.State, s.Instance));
        Assert.True(UplinkReader.TryReadTelemetry(telemetry, out var device, out error), error);
        Assert.Equal("sim-0042", device);
    }
}
