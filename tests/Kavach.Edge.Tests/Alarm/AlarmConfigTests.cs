using Kavach.Edge.Alarm;
using Kavach.Edge.Configuration;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Alarm;

/// <summary>The Alarm section: one error line per bad key, pattern texts, and the safety rules on patterns.</summary>
public class AlarmConfigTests
{
    private static List<string> Errors(Dictionary<string, string?> overrides) => TestConfig.Bind(TestConfig.Minimal, overrides).Errors;

    [Fact]
    public void Defaults_are_simulated_with_the_documented_timings()
    {
        var a = TestConfig.Valid().Alarm;
        Assert.Equal(AlarmDriver.Simulated, a.Driver);
        Assert.Equal((500, 2000, 60_000, 1500, LowLamp.Green), (a.HeartbeatMs, a.MinOnMs, a.SilenceMs, a.LampTestMs, a.LowLamp));
        Assert.Equal(200, a.EffectiveMaxTickAgeMs(100));
        Assert.Null(a.Red.Line);
    }

    [Theory]
    [InlineData("Alarm:Driver", "gpoi", "Alarm.Driver", "must be one of simulated, gpio")]
    [InlineData("Alarm:Red:Line", "-1", "Alarm.Red.Line", "must be 0-1023")]
    [InlineData("Alarm:Red:ActiveLow", "maybe", "Alarm.Red.ActiveLow", "true or false")]
    [InlineData("Alarm:Red:Pin", "17", "Alarm.Red.Pin", "unknown key")]
    [InlineData("Alarm:AckButton:Pull", "sideways", "Alarm.AckButton.Pull", "none, up, down")]
    [InlineData("Alarm:HeartbeatMs", "5", "Alarm.HeartbeatMs", "must be 50-10000")]
    [InlineData("Alarm:LowLamp", "red", "Alarm.LowLamp", "green, amber")]
    [InlineData("Alarm:Libgpiod", "3", "Alarm.Libgpiod", "auto, 1, 2")]
    [InlineData("Alarm:MaxMaintenanceMinutesPerDay", "0", "Alarm.MaxMaintenanceMinutesPerDay", "must be 1-1440")]
    [InlineData("Alarm:Patterns:High:Buzzer", "off", "Alarm.Patterns.High.Buzzer", "must not be off in High")]
    [InlineData("Alarm:Patterns:Fault:Red", "off", "Alarm.Patterns.Fault.Red", "must not be off in Fault")]
    [InlineData("Alarm:Patterns:Medium:Amber", "500/5", "Alarm.Patterns.Medium.Amber", "20-60000 each")]
    [InlineData("Alarm:Patterns:Medium:Amber", "500/500/500", "Alarm.Patterns.Medium.Amber", "even count")]
    [InlineData("Alarm:Patterns:Maintenance:Buzzer", "200/200", "Alarm.Patterns.Maintenance.Buzzer", "always quiet in maintenance")]
    [InlineData("Alarm:Patterns:LampTest:Red", "on", "Alarm.Patterns.LampTest", "unknown key")]
    [InlineData("Alarm:Patterns:Low:Green", "off", "Alarm.Patterns.Low.Green", "at least one lamp")]
    public void Bad_alarm_value_is_refused_naming_its_key(string key, string value, string path, string words)
    {
        var errors = Errors(new() { [key] = value });
        var line = Assert.Single(errors, e => e.StartsWith(path + ":", StringComparison.Ordinal));
        Assert.Contains(words, line);
    }

    [Fact]
    public void Gpio_needs_a_chip_a_red_line_and_distinct_lines()
    {
        var errors = Errors(
            new()
            {
                ["Alarm:Driver"] = "gpio",
                ["Alarm:Green:Line"] = "5",
                ["Alarm:Amber:Line"] = "5",
            }
        );
        Assert.Contains(errors, e =>
            e.StartsWith("Alarm.Chip: required with Driver gpio", StringComparison.Ordinal)
            && e.Contains("pinctrl-rp1", StringComparison.Ordinal)
        );
        Assert.Contains(errors, e => e.StartsWith("Alarm.Red.Line: required with Driver gpio", StringComparison.Ordinal));
        Assert.Contains(errors, e => e == "Alarm.Amber.Line: line 5 is already used by Green");
    }

    [Fact]
    public void Pattern_override_replaces_the_whole_pattern()
    {
        var a = TestConfig
            .Valid(
                overrides: new Dictionary<string, string?>
                {
                    ["Alarm:Patterns:High:Red"] = "on",
                    ["Alarm:Patterns:High:Buzzer"] = "@100 300/300",
                }
            )
            .Alarm;
        var high = a.Patterns[PatternKind.High];
        Assert.Equal("high: green off, amber off, red on, buzzer @100 300/300", high.ToString());
        Assert.False(high[AlarmLine.Buzzer].IsOn(0));
        Assert.True(high[AlarmLine.Buzzer].IsOn(100));
        Assert.False(a.Patterns.ContainsKey(PatternKind.Fault));
    }

    [Theory]
    [InlineData("on", "on")]
    [InlineData(" OFF ", "off")]
    [InlineData("500/500", "500/500")]
    [InlineData("@1500 500/500", "@500 500/500")]
    [InlineData("150/150/150/1550", "150/150/150/1550")]
    public void Line_pattern_text_round_trips(string text, string canonical)
    {
        Assert.True(LinePattern.TryParse(text, out var p, out var error), error);
        Assert.Equal(canonical, p.ToString());
    }

    [Fact]
    public void Line_pattern_next_change_walks_the_segments()
    {
        var p = LinePattern.Cycle(0, 150, 150, 150, 1550);
        Assert.Equal(
            [150L, 300, 450, 2000, 2150],
            Enumerable
                .Range(0, 5)
                .Aggregate(new List<long> { 0 }, (l, _) =>
                {
                    l.Add(p.NextChange(l[^1]));
                    return l;
                })
                .Skip(1)
        );
        Assert.Equal(long.MaxValue, LinePattern.On.NextChange(5));
    }
}
