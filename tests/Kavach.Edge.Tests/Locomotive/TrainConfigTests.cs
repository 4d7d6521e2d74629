using Kavach.Edge.Configuration;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Locomotive;

public sealed class TrainConfigTests
{
    private static string With(string device, string? train) =>
        TestConfig.Minimal.Replace("\"Device\": { \"Id\": \"test-unit\" }", device + (train is null ? "" : ", \"Train\": " + train));

    // the minimal configuration has no gnss sensor and no forward sensor of known reach: a cab refuses it for that
    private const string NeedsCab = "Sensors: Device.Mode locomotive needs";

    [Fact]
    public void Trackside_refuses_a_train_section_with_one_clear_line()
    {
        var (_, errors) = TestConfig.Bind(
            With("\"Device\": { \"Id\": \"test-unit\" }", "{ \"Class\": \"x\", \"ReactionTimeS\": 3, \"Bogus\": 1 }")
        );
        var e = Assert.Single(errors);
        Assert.StartsWith("Train: a Train section is for Device.Mode locomotive; this unit is trackside", e);
    }

    [Fact]
    public void Trackside_without_a_train_section_is_unchanged()
    {
        var o = TestConfig.Valid();
        Assert.Equal(DeviceMode.Trackside, o.Device.Mode);
        Assert.False(o.Train.Present);
    }

    [Fact]
    public void Locomotive_needs_a_train_section_naming_its_class()
    {
        var (_, errors) = TestConfig.Bind(With("\"Device\": { \"Id\": \"test-unit\", \"Mode\": \"locomotive\" }", null));
        Assert.Contains(errors, e => e.StartsWith("Train: Device.Mode locomotive needs a Train section", StringComparison.Ordinal));

        (_, errors) = TestConfig.Bind(With("\"Device\": { \"Id\": \"test-unit\", \"Mode\": \"locomotive\" }", "{ \"ReactionTimeS\": 3 }"));
        Assert.Contains(errors, e => e.StartsWith("Train.Class: is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Locomotive_with_a_class_takes_the_defaults_and_is_refused_only_for_its_sensors()
    {
        var (o, errors) = TestConfig.Bind(
            With("\"Device\": { \"Id\": \"test-unit\", \"Mode\": \"locomotive\" }", "{ \"Class\": \"LHB 24-coach passenger\" }")
        );
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.StartsWith(NeedsCab, e));
        Assert.Equal("LHB 24-coach passenger", o.Train.Class);
        Assert.Equal(7.2, o.Train.ReactionTimeS);
        Assert.Equal(0.32, o.Train.EmergencyDecelerationMps2);
        Assert.Equal(0.25, o.Train.ServiceDecelerationMps2);
        Assert.Equal(0, o.Train.GradientPermille);
    }

    [Fact]
    public void Each_bad_key_gets_its_own_line()
    {
        var (_, errors) = TestConfig.Bind(
            With(
                "\"Device\": { \"Id\": \"test-unit\", \"Mode\": \"locomotive\" }",
                "{ \"Class\": \"freight\", \"ReactionTimeS\": -1, \"EmergencyDecelerationMps2\": \"fast\", \"OverSpeedConfirmMs\": 1.5, \"Brakes\": 2 }"
            )
        );
        Assert.Contains("Train.ReactionTimeS: must be 0-60, got -1", errors);
        Assert.Contains("Train.EmergencyDecelerationMps2: must be a number, got 'fast'", errors);
        Assert.Contains("Train.OverSpeedConfirmMs: must be a whole number, got '1.5'", errors);
        Assert.Contains("Train.Brakes: unknown key", errors);
        Assert.Equal(4, errors.Count(e => !e.StartsWith(NeedsCab, StringComparison.Ordinal))); // the four above
    }

    [Fact]
    public void Service_above_emergency_and_a_gradient_that_leaves_no_brake_are_refused()
    {
        var (_, errors) = TestConfig.Bind(
            With(
                "\"Device\": { \"Id\": \"test-unit\", \"Mode\": \"locomotive\" }",
                "{ \"Class\": \"x\", \"ServiceDecelerationMps2\": 0.5 }"
            )
        );
        Assert.Contains(errors, e =>
            e.StartsWith("Train.ServiceDecelerationMps2: must be at most EmergencyDecelerationMps2 (0.32)", StringComparison.Ordinal)
        );

        (_, errors) = TestConfig.Bind(
            With("\"Device\": { \"Id\": \"test-unit\", \"Mode\": \"locomotive\" }", "{ \"Class\": \"x\", \"GradientPermille\": -25 }")
        );
        Assert.Contains(errors, e => e.StartsWith("Train.GradientPermille: -25‰ leaves the service brake", StringComparison.Ordinal));
    }
}
