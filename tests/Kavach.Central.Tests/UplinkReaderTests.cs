using System.Text;
using Kavach.Central.Tests.Support;
using Kavach.Contracts;
using Kavach.Edge.Assessment;
using Kavach.Edge.Tests.Support;

namespace Kavach.Central.Tests;

/// <summary>The shared contract: what the daemon's own writers produce, the central's reader reads.</summary>
public class UplinkReaderTests
{
    [Fact]
    public void The_daemons_alert_is_read_with_its_key_and_level()
    {
        var ts = new DateTimeOffset(2026, 12, 5, 6, 14, 3, 217, TimeSpan.Zero);
        var json = DevicePayloads.Alert("lc-47-east", "9f3a61c04be27d58", 1042, RiskLevel.High, ts);
        Assert.True(UplinkReader.TryReadAlerts(Encoding.UTF8.GetBytes(json), out var a, out var shed, out var error), error);
        Assert.Null(shed);
        Assert.Equal(
            ("lc-47-east", "9f3a61c04be27d58", 1042L, ts, "HIGH", true),
            (a!.DeviceId, a.Epoch, a.Seq, a.Ts, a.Level, a.ClockSynced)
        );
        Assert.NotEqual(Guid.Empty, a.Id);
    }

    [Fact]
    public void The_documented_example_a_shed_record_and_the_statuses_are_read()
    {
        var example = File.ReadAllBytes(Path.Combine(Repo.Root, "docs", "examples", "alert.json"));
        Assert.True(UplinkReader.TryReadAlerts(example, out var a, out _, out var error), error);
        Assert.Equal(("lc-47-east", 1042L, "HIGH", "MEDIUM"), (a!.DeviceId, a.Seq, a.Level, a.Previous));

        Assert.True(
            UplinkReader.TryReadAlerts(
                Encoding.UTF8.GetBytes(DevicePayloads.Shed("lc-1", "e1", 3, 7)),
                out var none,
                out var shed,
                out error
            ),
            error
        );
        Assert.Null(none);
        Assert.Equal(("lc-1", "e1", 3L, 7L), (shed!.DeviceId, shed.Epoch, shed.FromSeq, shed.ToSeq));

        Assert.True(
            UplinkReader.TryReadStatus(Encoding.UTF8.GetBytes(DevicePayloads.Online("0123456789abcdef")), out var s, out error),
            error
        );
        Assert.Equal(("online", "0123456789abcdef", "0.1.0", "b07d2c41e9a35f18"), (s!.State, s.Instance, s.Version, s.Commissioning));
        Assert.True(
            UplinkReader.TryReadStatus(Encoding.UTF8.GetBytes(DevicePayloads.Offline("0123456789abcdef")), out s, out error),
            error
        );
        Assert.Equal("offline", s!.State);
    }

    [Theory]
    [InlineData("not json", "malformed JSON")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("""{"type":"telemetry"}""", "type: 'telemetry'")]
    [InlineData(
        """{"type":"alert","id":"019ac0e1-6f2b-7c41-9d0a-5b8e2f4c1a77","deviceId":"d","seq":0,"ts":"2026-01-01T00:00:00Z","level":"LOW"}""",
        "seq:"
    )]
    [InlineData(
        """{"type":"alert","id":"019ac0e1-6f2b-7c41-9d0a-5b8e2f4c1a77","deviceId":"d","seq":1,"ts":"2026-01-01T00:00:00Z","level":"GREEN"}""",
        "level: unknown 'GREEN'"
    )]
    [InlineData("""{"type":"alert","deviceId":"d","seq":1,"ts":"2026-01-01T00:00:00Z","level":"LOW"}""", "id: missing")]
    public void What_does_not_fit_the_contract_is_refused_with_the_reason(string json, string reason)
    {
        Assert.False(UplinkReader.TryReadAlerts(Encoding.UTF8.GetBytes(json), out _, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void The_daemons_command_result_is_read_and_a_broken_one_is_refused_naming_the_field()
    {
        var json = Encoding.UTF8.GetBytes(DevicePayloads.CommandResult("lc-1", "ack", true, "acknowledged", 1042));
        Assert.True(UplinkReader.TryReadCommandResult(json, out var r, out var error), error);
        Assert.Equal(("lc-1", "ack", true, "acknowledged", (long?)1042), (r!.DeviceId, r.Command, r.Accepted, r.Reason, r.Seq));
        json = Encoding.UTF8.GetBytes(DevicePayloads.CommandResult("lc-1", "maintenance", false, "remote maintenance is off", null));
        Assert.True(UplinkReader.TryReadCommandResult(json, out r, out error), error);
        Assert.Null(r!.Seq);
        Assert.False(UplinkReader.TryReadCommandResult("{\"type\":\"cmd-result\",\"deviceId\":\"lc-1\"}"u8, out _, out error));
        Assert.Equal("command: missing", error);
    }
}
