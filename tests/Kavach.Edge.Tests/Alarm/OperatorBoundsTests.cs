using System.Device.Gpio;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>
/// Remote commands must not hide a hazard (issue 13, items 1–3): maintenance is bounded per period and per
/// 24 h for remote commands, never covers HIGH, and ends onto the level at once; an acknowledgement silences
/// once per episode; remote text is cleaned before it is logged or recorded. FakeTimeProvider throughout.
/// </summary>
public class OperatorBoundsTests
{
    private static AlarmRig Rig(Dictionary<string, string?>? alarm = null) => new(TestDriver.Recording, alarm);

    /// <summary>A central system (or whoever holds its credentials) asks for 240 min every 10 min for a day.</summary>
    private static (int MaintenanceMinutes, int RedDarkMinutes, int Accepted) SpamRemoteMaintenanceForADay(AlarmRig r)
    {
        int maintenance = 0,
            redDark = 0,
            accepted = 0;
        for (var minute = 0; minute < 24 * 60; minute++)
        {
            if (minute % 10 == 0 && r.Control.StartMaintenance(TimeSpan.FromMinutes(240), "central", CommandSource.Mqtt).Accepted)
                accepted++;
            // the red lamp of FAULT blinks, of HIGH is steady: look at the pattern and, within one blink, the lamp
            var redSeen = false;
            for (var ms = 0; ms < 1000; ms += 250)
            {
                redSeen |= r.Lines.Red;
                r.H.Time.Advance(TimeSpan.FromMilliseconds(250));
            }
            if (r.Lines.Pattern == "maintenance")
                maintenance++;
            if (!redSeen)
                redDark++;
            r.H.Time.Advance(TimeSpan.FromSeconds(59));
        }
        return (maintenance, redDark, accepted);
    }

    [Fact]
    public void Repeated_240_minute_remote_commands_for_24_h_cannot_keep_a_fault_off_the_lamps_beyond_the_daily_bound()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Fault);
        var (maintenance, redDark, accepted) = SpamRemoteMaintenanceForADay(r);
        Assert.Equal(1, accepted); // the first; every extension past 4 h and every start within the day is refused
        Assert.InRange(maintenance, 239, 240);
        Assert.InRange(redDark, 239, 240);
        Assert.Equal("fault", r.Lines.Pattern);
        Assert.Contains(r.Events, e => e.Kind == "maintenance-refused" && e.Detail.Contains("MaxMaintenanceMs", StringComparison.Ordinal));
        Assert.Contains(r.Events, e =>
            e.Kind == "maintenance-refused"
            && e.Detail.Contains("MaxMaintenanceMinutesPerDay", StringComparison.Ordinal)
            && e.Detail.Contains("local action", StringComparison.Ordinal)
        );
        // a day after the first start the budget is back
        Assert.True(r.Control.StartMaintenance(TimeSpan.FromMinutes(240), "central", CommandSource.Mqtt).Accepted);
    }

    [Fact]
    public void A_high_shows_over_maintenance_so_repeated_remote_commands_never_darken_red()
    {
        using var r = Rig();
        r.Publish(RiskLevel.High);
        var (_, redDark, _) = SpamRemoteMaintenanceForADay(r);
        Assert.Equal(0, redDark);
        Assert.Equal("high", r.Lines.Pattern);
        // a HIGH that arrives during maintenance shows at once, too
        using var r2 = Rig();
        r2.Publish(RiskLevel.Medium);
        Assert.True(r2.Control.StartMaintenance(TimeSpan.FromMinutes(30), "gang-7", CommandSource.Api).Accepted);
        Assert.Equal("maintenance", r2.Lines.Pattern);
        r2.Publish(RiskLevel.High);
        Assert.Equal("high", r2.Lines.Pattern);
        Assert.True(r2.Lines.Red);
        Assert.True(r2.Lines.Buzzer, "a HIGH sounds in maintenance too (an ack silences it once)");
        Assert.True(r2.Control.InMaintenance);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void When_maintenance_expires_or_is_stopped_with_a_fault_present_the_lamps_show_it_at_once(bool stop)
    {
        using var r = Rig();
        r.Publish(RiskLevel.Fault);
        Assert.True(r.Control.StartMaintenance(TimeSpan.FromSeconds(10), "gang-7", CommandSource.Api).Accepted);
        r.Advance(9_000);
        Assert.Equal("maintenance", r.Lines.Pattern);
        Assert.False(r.Lines.Red);
        if (stop)
            Assert.True(r.Control.EndMaintenance("gang-7", CommandSource.Api).Accepted);
        else
            r.H.Time.Advance(TimeSpan.FromSeconds(1)); // exactly the expiry, one step
        Assert.Equal("fault", r.Lines.Pattern);
        Assert.True(r.Lines.Red, "FAULT starts with its red lamp on");
        Assert.True(r.Lines.Buzzer);
        Assert.Equal("maintenance-end", r.Events[^1].Kind);
    }

    [Fact]
    public void Past_the_bounds_a_remote_extension_is_refused_and_a_local_one_is_recorded_as_such()
    {
        using var r = Rig(
            new()
            {
                ["MaxMaintenanceMs"] = "3600000",
                ["MaxMaintenanceMinutesPerDay"] = "75",
                ["AckButton:Line"] = "12",
            }
        );
        r.Publish(RiskLevel.Fault);
        Assert.True(r.Control.StartMaintenance(TimeSpan.FromMinutes(60), "central", CommandSource.Mqtt).Accepted);
        r.H.Time.Advance(TimeSpan.FromMinutes(50));
        var remote = r.Control.StartMaintenance(TimeSpan.FromMinutes(30), "central", CommandSource.Mqtt);
        Assert.False(remote.Accepted);
        Assert.Contains("MaxMaintenanceMs", remote.Reason);
        Assert.Contains("local action", remote.Reason);
        var local = r.Control.StartMaintenance(TimeSpan.FromMinutes(30), "ravi", CommandSource.Api);
        Assert.True(local.Accepted, local.Reason);
        Assert.Contains("past the bound (Alarm.MaxMaintenanceMs) by a local action", local.Reason);

        // the button held 3 s renews it for its last grant (30 min); its press acknowledged the FAULT first
        r.H.Time.Advance(TimeSpan.FromMinutes(20));
        r.SetButton(PinValue.Low);
        r.Advance(3100);
        r.SetButton(PinValue.High);
        r.Advance(20);
        var held = r.Events[^1];
        Assert.Equal(("maintenance-extend", "button", CommandSource.Button), (held.Kind, held.By, held.Source));
        Assert.Equal(r.H.Time.GetUtcNow().AddMinutes(30), r.Control.MaintenanceUntil!.Value, TimeSpan.FromSeconds(1));

        Assert.True(r.Control.EndMaintenance("ravi", CommandSource.Api).Accepted);
        var again = r.Control.StartMaintenance(TimeSpan.FromMinutes(10), "central", CommandSource.Mqtt);
        Assert.False(again.Accepted);
        Assert.Contains("MaxMaintenanceMinutesPerDay (75 min)", again.Reason);
        Assert.Equal(
            [
                "maintenance-start",
                "maintenance-refused",
                "maintenance-extend",
                "ack",
                "maintenance-extend",
                "maintenance-end",
                "maintenance-refused",
            ],
            r.Events.Select(e => e.Kind)
        );
        Assert.Equal("maintenance-refused", r.Control.LastEvent!.Kind);
    }

    [Fact]
    public void A_repeated_ack_of_the_same_episode_is_refused_and_does_not_extend_the_silence()
    {
        using var r = Rig(new() { ["SilenceMs"] = "5000", ["MinOnMs"] = "0" });
        var medium = r.Publish(RiskLevel.Medium);
        Assert.True(r.Control.Acknowledge(null, "asha", CommandSource.Api).Accepted);
        var high = r.Publish(RiskLevel.High); // a rise: a new episode, heard at once, acknowledged once more
        Assert.NotEqual(medium, high);
        Assert.True(r.Lines.Buzzer);
        Assert.True(r.Control.Acknowledge(high, "asha", CommandSource.Mqtt).Accepted);
        r.Advance(4000);
        var replay = r.Control.Acknowledge(high, "asha", CommandSource.Mqtt);
        Assert.False(replay.Accepted);
        Assert.Contains($"episode {high} is already acknowledged", replay.Reason);
        Assert.Contains("not extended", replay.Reason);
        r.Advance(1000);
        Assert.False(r.Control.BuzzerSilenced); // 5 s after the first ack, not the replay
        Assert.Contains('1', r.Trace(AlarmLine.Buzzer, 1000));
        r.Publish(RiskLevel.Fault); // a fall keeps the episode: no second silence
        Assert.False(r.Control.Acknowledge(null, "button", CommandSource.Button).Accepted);
        Assert.Equal(["ack", "ack", "ack-refused", "ack-refused"], r.Events.Select(e => e.Kind));
    }

    [Fact]
    public void Remote_names_reach_the_log_and_the_events_without_control_or_bidi_characters()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Fault);
        var forged = "eve\r\n2026-12-04 info: Operator ack by admin\u001b[2J\u202Eevil\u2066" + new string('x', 100);
        r.Control.Acknowledge(null, forged, CommandSource.Mqtt);
        var e = Assert.Single(r.Events);
        Assert.True(e.By.Length <= RemoteText.MaxLength, e.By);
        Assert.DoesNotContain(e.By, c => char.IsControl(c) || c is '\u202E' or '\u2066');
        var line = Assert.Single(r.Log, l =>
            l.Level == LogLevel.Information && l.Message.StartsWith("Operator ", StringComparison.Ordinal)
        );
        Assert.DoesNotContain('\n', line.Message);
        Assert.DoesNotContain('\u001b', line.Message);
    }
}
