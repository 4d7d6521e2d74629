using System.Device.Gpio;
using Kavach.Edge.Alarm;
using Kavach.Edge.Assessment;
using Kavach.Edge.Risk;
using Microsoft.Extensions.Logging;
using static Kavach.Edge.Alarm.AlarmLine;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>
/// The alarm's behaviour, run on both GPIO drivers (simulated and recording): what each level shows and
/// when, holds, silence, episodes, maintenance, heartbeat, lamp test, stop and failure. Times are on a
/// FakeTimeProvider; traces sample every 100 ms ("1" = on).
/// </summary>
public abstract class AlarmContract
{
    protected abstract TestDriver Kind { get; }

    private AlarmRig Rig(Dictionary<string, string?>? alarm = null, bool start = true) => new(Kind, alarm, start);

    [Fact]
    public void Low_shows_the_green_lamp_steady_and_nothing_else()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Low);
        Assert.Equal("low", r.Lines.Pattern);
        Assert.Equal(new string('1', 30), r.Trace(Green, 3000));
        Assert.Equal(new string('0', 30), r.Trace(Amber, 3000));
        Assert.False(r.Lines.Red || r.Lines.Buzzer);
        Assert.Equal(PinValue.High, r.Pin(Green));
    }

    [Fact]
    public void Low_lamp_colour_is_configurable()
    {
        using var r = Rig(new() { ["LowLamp"] = "amber" });
        r.Publish(RiskLevel.Low);
        Assert.True(r.Lines.Amber);
        Assert.False(r.Lines.Green);
    }

    [Fact]
    public void Medium_blinks_amber_500_500_with_the_buzzer_quiet()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Medium);
        Assert.Equal("medium", r.Lines.Pattern);
        Assert.Equal("11111000001111100000", r.Trace(Amber, 2000));
        Assert.False(r.Lines.Buzzer || r.Lines.Red || r.Lines.Green);
    }

    [Fact]
    public void High_is_red_steady_with_the_buzzer_800_200()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Low);
        r.Publish(RiskLevel.High);
        Assert.True(r.Lines.Red && r.Lines.Buzzer, "red and buzzer on at once");
        Assert.Equal("high", r.Lines.Pattern);
        Assert.Equal("11111111001111111100", r.Trace(Buzzer, 2000));
        Assert.Equal(new string('1', 20), r.Trace(Red, 2000));
        Assert.False(r.Lines.Green || r.Lines.Amber);
    }

    [Fact]
    public void Fault_alternates_red_and_amber_with_a_double_chirp()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Fault);
        Assert.Equal("fault", r.Lines.Pattern);
        var red = r.Trace(Red, 2000);
        Assert.Equal("11111000001111100000", red);
        using var r2 = Rig();
        r2.Publish(RiskLevel.Fault);
        Assert.Equal("00000111110000011111", r2.Trace(Amber, 2000));
        using var r3 = Rig();
        r3.Publish(RiskLevel.Fault);
        // 150 on, 150 off, 150 on, 1550 off, sampled every 50 ms
        Assert.Equal("111000111" + new string('0', 31) + "111000111", r3.Trace(Buzzer, 2450, 50));
    }

    [Fact]
    public void Starting_grace_shows_the_fault_lamps_with_the_buzzer_quiet_until_it_ends()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Fault, starting: true, graceMs: 3000);
        Assert.Equal("starting", r.Lines.Pattern);
        Assert.Equal(new string('0', 30), r.Trace(Buzzer, 3000));
        Assert.Equal("fault", r.Lines.Pattern); // grace over, still starting: a real fault now
        Assert.Contains('1', r.Trace(Buzzer, 2000, 50));
    }

    [Fact]
    public void A_brief_high_is_held_for_MinOnMs_then_the_lower_level_shows()
    {
        using var r = Rig(new() { ["MinOnMs"] = "2000" });
        r.Publish(RiskLevel.Low);
        r.Publish(RiskLevel.High);
        r.Advance(100);
        r.Publish(RiskLevel.Low); // gone after 100 ms
        Assert.Equal("high", r.Lines.Pattern);
        Assert.Equal(new string('1', 19), r.Trace(Red, 1900));
        Assert.Equal("low", r.Lines.Pattern);
        Assert.False(r.Lines.Red || r.Lines.Buzzer);
        Assert.True(r.Lines.Green);
    }

    [Fact]
    public void A_more_severe_level_replaces_the_pattern_at_once()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Medium);
        r.Advance(600); // amber in its off half
        r.Publish(RiskLevel.High);
        Assert.Equal("high", r.Lines.Pattern);
        Assert.True(r.Lines.Red && r.Lines.Buzzer);
        Assert.False(r.Lines.Amber);
    }

    [Fact]
    public void Ack_mutes_the_buzzer_for_SilenceMs_never_the_lamps()
    {
        using var r = Rig(new() { ["SilenceMs"] = "5000" });
        var episode = r.Publish(RiskLevel.High);
        var outcome = r.Control.Acknowledge(episode, "asha", CommandSource.Api);
        Assert.True(outcome.Accepted, outcome.Reason);
        Assert.True(r.Control.BuzzerSilenced);
        Assert.Equal(new string('0', 49), r.Trace(Buzzer, 4900));
        Assert.True(r.Lines.Red, "lamps are never silenced");
        r.Advance(100);
        Assert.False(r.Control.BuzzerSilenced);
        Assert.Contains('1', r.Trace(Buzzer, 1000));
        Assert.Equal("ack", r.Events.Single().Kind);
        Assert.Equal(episode, r.Events[0].Episode);
    }

    [Fact]
    public void A_higher_level_rearms_the_buzzer_at_once_as_a_new_episode()
    {
        using var r = Rig();
        var fault = r.Publish(RiskLevel.Fault);
        Assert.True(r.Control.Acknowledge(null, "button", CommandSource.Button).Accepted);
        r.Advance(300);
        Assert.False(r.Lines.Buzzer);
        var high = r.Publish(RiskLevel.High);
        Assert.NotEqual(fault, high);
        Assert.Equal(high, r.Control.CurrentEpisode);
        Assert.False(r.Control.BuzzerSilenced);
        Assert.True(r.Lines.Buzzer, "re-armed at once");
    }

    [Fact]
    public void A_fall_within_an_episode_keeps_the_silence_and_LOW_ends_it()
    {
        using var r = Rig(new() { ["MinOnMs"] = "0" });
        var high = r.Publish(RiskLevel.High);
        r.Control.Acknowledge(high, "asha", CommandSource.Mqtt);
        r.Publish(RiskLevel.Fault);
        Assert.Equal(high, r.Control.CurrentEpisode);
        Assert.True(r.Control.BuzzerSilenced);
        Assert.Equal(new string('0', 40), r.Trace(Buzzer, 2000, 50));
        r.Publish(RiskLevel.Low);
        Assert.Equal(0, r.Control.CurrentEpisode);
        Assert.False(r.Control.BuzzerSilenced);
    }

    [Fact]
    public void Ack_of_an_old_episode_is_refused_with_a_reason()
    {
        using var r = Rig();
        var first = r.Publish(RiskLevel.Medium);
        var second = r.Publish(RiskLevel.High);
        var outcome = r.Control.Acknowledge(first, "asha", CommandSource.Mqtt);
        Assert.False(outcome.Accepted);
        Assert.Contains($"episode {first} is not the current one ({second})", outcome.Reason);
        Assert.False(r.Control.BuzzerSilenced);
        Assert.True(r.Lines.Buzzer);
        var e = Assert.Single(r.Events);
        Assert.Equal(("ack-refused", "asha", CommandSource.Mqtt), (e.Kind, e.By, e.Source));
    }

    [Fact]
    public void Ack_at_low_is_refused()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Low);
        var outcome = r.Control.Acknowledge(null, "asha", CommandSource.Api);
        Assert.False(outcome.Accepted);
        Assert.Contains("LOW", outcome.Reason);
    }

    [Fact]
    public void Maintenance_shows_its_own_pattern_with_the_buzzer_quiet_and_expires_by_itself()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Fault);
        var outcome = r.Control.StartMaintenance(TimeSpan.FromSeconds(10), "gang-7", CommandSource.Api);
        Assert.True(outcome.Accepted, outcome.Reason);
        Assert.True(r.Control.InMaintenance);
        Assert.Equal(r.H.Time.GetUtcNow().AddSeconds(10), r.Control.MaintenanceUntil);
        Assert.Equal("maintenance", r.Lines.Pattern);
        Assert.Equal("0000000000111111111100000000001111111111", r.Trace(Green, 4000));
        Assert.Equal(new string('0', 60), r.Trace(Buzzer, 6000));
        Assert.False(r.Control.InMaintenance);
        Assert.Null(r.Control.MaintenanceUntil);
        Assert.Equal("fault", r.Lines.Pattern);
        Assert.Equal(["maintenance-start", "maintenance-end"], r.Events.Select(e => e.Kind));
        Assert.Equal(("expiry", CommandSource.Api), (r.Events[1].By, r.Events[1].Source));
    }

    [Fact]
    public void Maintenance_is_bounded_and_can_end_early()
    {
        using var r = Rig(new() { ["MaxMaintenanceMs"] = "600000" });
        r.Publish(RiskLevel.Low);
        var tooLong = r.Control.StartMaintenance(TimeSpan.FromMinutes(11), "gang-7", CommandSource.Mqtt);
        Assert.False(tooLong.Accepted);
        Assert.Contains("MaxMaintenanceMs", tooLong.Reason);
        Assert.False(r.Control.EndMaintenance("gang-7", CommandSource.Mqtt).Accepted);
        Assert.True(r.Control.StartMaintenance(TimeSpan.FromMinutes(5), "gang-7", CommandSource.Mqtt).Accepted);
        r.Advance(1000);
        Assert.True(r.Control.EndMaintenance("gang-7", CommandSource.Button).Accepted);
        Assert.Equal("low", r.Lines.Pattern);
        Assert.Equal(["maintenance-refused", "maintenance-refused", "maintenance-start", "maintenance-end"], r.Events.Select(e => e.Kind));
        Assert.Equal(CommandSource.Button, r.Events[^1].Source);
    }

    [Fact]
    public void Every_operator_event_is_logged_at_information()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Fault);
        r.Control.Acknowledge(99, "asha", CommandSource.Api);
        r.Control.Acknowledge(null, "asha", CommandSource.Api);
        var lines = r
            .Log.Where(l => l.Level == LogLevel.Information && l.Message.StartsWith("Operator ", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("ack-refused by asha via Api", lines[0].Message);
        Assert.Contains("ack by asha via Api", lines[1].Message);
    }

    [Fact]
    public void Heartbeat_toggles_while_the_pipeline_ticks_stops_when_it_stalls_and_resumes()
    {
        using var r = Rig();
        var toggles = new List<bool>();
        for (var t = 0; t < 20; t++)
        {
            r.Tick();
            toggles.Add(r.Lines.Heartbeat);
        } // 2 s of ticks
        Assert.True(r.Health.PipelineHealthy);
        Assert.InRange(r.Heartbeat.Toggles, 3, 4); // every 500 ms
        Assert.Contains(true, toggles);
        Assert.Contains(false, toggles);

        var before = r.Heartbeat.Toggles;
        r.Advance(2000); // no ticks: LastTick is 2 s old
        Assert.False(r.Health.Check(out var reason));
        Assert.Contains("last tick", reason);
        Assert.InRange(r.Heartbeat.Toggles - before, 0, 1); // stopped within one period of the stall
        var held = r.Heartbeat.Toggles;
        r.Advance(2000);
        Assert.Equal(held, r.Heartbeat.Toggles);
        Assert.Contains(r.Log, l => l.Level == LogLevel.Warning && l.Message.StartsWith("Heartbeat held", StringComparison.Ordinal));

        for (var t = 0; t < 10; t++)
            r.Tick();
        Assert.True(r.Heartbeat.Toggles > held, "resumes when the pipeline ticks again");
    }

    [Fact]
    public void A_crashed_stage_is_fault_on_the_lamps_and_stops_the_heartbeat()
    {
        using var r = Rig();
        for (var t = 0; t < 10; t++)
            r.Tick();
        r.H.Faults.Raise("fusion input", "test", FaultKind.Crashed);
        var toggles = r.Heartbeat.Toggles;
        for (var t = 0; t < 10; t++)
            r.Tick();
        Assert.Equal(RiskLevel.Fault, r.H.Level);
        Assert.Contains(r.H.Risk.ActiveFaults, f => f.StartsWith("fusion input", StringComparison.Ordinal));
        Assert.True(r.Lines.Pattern is "fault" or "starting");
        Assert.False(r.Health.PipelineHealthy);
        Assert.Equal(toggles, r.Heartbeat.Toggles);
    }

    [Fact]
    public void Lamp_test_lights_every_lamp_and_briefly_the_buzzer_then_shows_the_level()
    {
        using var r = Rig(new() { ["LampTestMs"] = "1500" }, start: false);
        r.Publish(RiskLevel.Low);
        r.Start();
        Assert.Equal("lamp-test", r.Lines.Pattern);
        Assert.True(r.Lines.Green && r.Lines.Amber && r.Lines.Red && r.Lines.Buzzer);
        Assert.Equal("1100000000", r.Trace(Buzzer, 1000, 100));
        r.Advance(500);
        Assert.Equal("low", r.Lines.Pattern);
        Assert.False(r.Lines.Red || r.Lines.Amber);
        Assert.Contains(r.Log, l => l.Message.StartsWith("Lamp test", StringComparison.Ordinal));
    }

    [Fact]
    public void Active_low_lines_are_inverted_on_the_pins()
    {
        using var r = Rig(new() { ["Red:ActiveLow"] = "true", ["Green:ActiveLow"] = "true" });
        r.Publish(RiskLevel.Low);
        Assert.True(r.Lines.Green);
        Assert.Equal(PinValue.Low, r.Pin(Green)); // lit: driven low
        Assert.Equal(PinValue.High, r.Pin(Red)); // dark: driven high
        r.Publish(RiskLevel.High);
        Assert.Equal(PinValue.Low, r.Pin(Red));
        Assert.Equal(PinValue.High, r.Pin(Green));
        Assert.Equal(PinValue.High, r.Pin(Buzzer)); // active-high line untouched by the others' polarity
    }

    [Fact]
    public async Task Clean_stop_leaves_red_and_amber_lit_the_buzzer_quiet_and_the_heartbeat_low()
    {
        var r = Rig();
        r.Publish(RiskLevel.High);
        for (var t = 0; t < 6; t++)
            r.Tick();
        await r.Service.StopAsync(CancellationToken.None);
        Assert.Equal(new OutputState("stopped", false, true, true, false, false), r.Lines);
        Assert.False(r.Outputs.IsOpen);
        r.Dispose();
    }

    [Fact]
    public void An_unhandled_failure_drives_failed_with_the_buzzer_on()
    {
        using var r = Rig();
        r.Publish(RiskLevel.Low);
        r.Service.Fail("test failure");
        Assert.Equal(new OutputState("failed", false, true, true, true, false), r.Lines);
        r.Advance(5000); // frozen: no pattern runs any more
        Assert.Equal("failed", r.Lines.Pattern);
        Assert.True(r.Lines.Buzzer);
        Assert.Contains(r.Log, l => l.Level == LogLevel.Critical && l.Message.Contains("test failure", StringComparison.Ordinal));
    }

    [Fact]
    public void Disposal_without_a_clean_stop_is_a_failure()
    {
        var r = Rig();
        r.Publish(RiskLevel.Low);
        r.Service.Dispose(); // the host failed and is tearing down
        Assert.Equal("failed", r.Lines.Pattern);
        Assert.True(r.Lines.Buzzer);
        Assert.False(r.Outputs.IsOpen);
    }

    [Fact]
    public void Ack_button_press_is_debounced_and_acknowledges_once()
    {
        using var r = Rig(new() { ["AckButton:Line"] = "12", ["AckButton:DebounceMs"] = "50" });
        r.Publish(RiskLevel.High);
        r.SetButton(PinValue.Low); // pressed (active-low, pull-up)
        Assert.True(r.Outputs.ReadButton());
        r.Advance(30);
        r.SetButton(PinValue.High); // a bounce shorter than the debounce
        r.Advance(30);
        Assert.Empty(r.Events);
        r.SetButton(PinValue.Low);
        r.Advance(500); // held down
        Assert.Equal(1, r.Button.Presses);
        var e = Assert.Single(r.Events);
        Assert.Equal(("ack", "button", CommandSource.Button), (e.Kind, e.By, e.Source));
        Assert.True(r.Control.BuzzerSilenced);
        Assert.False(r.Lines.Buzzer);
    }

    [Fact]
    public void Nothing_logged_at_error_in_a_normal_run()
    {
        using var r = Rig(new() { ["LampTestMs"] = "1000" });
        r.Publish(RiskLevel.Fault, starting: true, graceMs: 2000);
        for (var t = 0; t < 30; t++)
            r.Tick();
        r.Publish(RiskLevel.Medium);
        r.Advance(3000);
        r.Publish(RiskLevel.High);
        r.Advance(3000);
        Assert.Empty(r.Errors);
    }
}

public sealed class SimulatedDriverAlarmTests : AlarmContract
{
    protected override TestDriver Kind => TestDriver.Simulated;
}

public sealed class RecordingDriverAlarmTests : AlarmContract
{
    protected override TestDriver Kind => TestDriver.Recording;
}
