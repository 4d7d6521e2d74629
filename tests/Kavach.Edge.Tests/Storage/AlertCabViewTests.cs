using System.Text.Json;
using Kavach.Edge.Assessment;
using Kavach.Edge.Configuration;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Risk;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;
using Kavach.Edge.Uplink;

namespace Kavach.Edge.Tests.Storage;

/// <summary>A locomotive unit's alert and telemetry carry its speed against the stop-within-sight speed, as the schemas say.</summary>
public class AlertCabViewTests
{
    private static readonly string AlertSchema = Path.Combine(Repo.Root, "docs", "schemas", "alert.schema.json");
    private static readonly string TelemetrySchema = Path.Combine(Repo.Root, "docs", "schemas", "telemetry.schema.json");
    private static readonly AlertContext Context = new(
        "loco-30123-cab",
        "0.1.0",
        "3f9c1e07a2b4d658",
        true,
        false,
        [new AlertSensor("gnss", "gnss", "live", 0.2)]
    );
    private static readonly BrakingModel Train = new(new TrainOptions());

    // 62.4 km/h in fog of 200 m with a 180 m LiDAR: stop within 180 m, 31 km/h (docs/locomotive.md)
    private static readonly CabView Fog = new(
        62.44,
        SpeedTrust.Trusted,
        StopWithinSight.Compute(Train, 200, [180]),
        true,
        double.PositiveInfinity,
        180
    );

    private static JsonElement Alert(CabView? cab)
    {
        var state = new RiskState
        {
            Change = 3,
            Level = RiskLevel.Medium,
            Previous = RiskLevel.Low,
            Utc = DateTimeOffset.UnixEpoch,
            Reasons = ["running 62 km/h, above 31 km/h"],
            RaisedBy = "floor",
            Floor = new FloorAssessment
            {
                Level = RiskLevel.Medium,
                VisibilityM = 200,
                Reasons = ["running 62 km/h, above 31 km/h"],
                Cab = cab,
            },
        };
        var json = AlertJson.Alert(state, Guid.CreateVersion7(), "0123456789abcdef", 9, "LOW", Context);
        var errors = SchemaCheck.Validate(AlertSchema, json);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + json);
        return JsonDocument.Parse(json).RootElement;
    }

    [Fact]
    public void A_cab_alert_names_own_speed_the_stop_within_sight_speed_and_what_limits_it()
    {
        var cab = Alert(Fog).GetProperty("cab");
        Assert.Equal(62.4, cab.GetProperty("ownSpeedKmh").GetDouble());
        Assert.Equal("trusted", cab.GetProperty("speedTrust").GetString());
        Assert.Equal(31, cab.GetProperty("sightSpeedKmh").GetDouble());
        Assert.Equal(180, cab.GetProperty("sightDistanceM").GetDouble());
        Assert.Equal("reach", cab.GetProperty("limitedBy").GetString());
        Assert.True(cab.GetProperty("overSpeed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, cab.GetProperty("curveRadiusM").ValueKind);
    }

    [Fact]
    public void Without_a_speed_or_a_visibility_the_cab_view_says_null_not_a_number_it_does_not_have()
    {
        var lost = new CabView(
            double.NaN,
            SpeedTrust.NoFix,
            StopWithinSight.Compute(Train, double.NaN, [180]),
            false,
            double.PositiveInfinity,
            180
        );
        var cab = Alert(lost).GetProperty("cab");
        Assert.Equal(JsonValueKind.Null, cab.GetProperty("ownSpeedKmh").ValueKind);
        Assert.Equal("no-fix", cab.GetProperty("speedTrust").GetString());
        Assert.Equal(JsonValueKind.Null, cab.GetProperty("sightSpeedKmh").ValueKind);
        Assert.Equal(JsonValueKind.Null, cab.GetProperty("limitedBy").ValueKind);
    }

    [Fact]
    public void A_trackside_alert_has_no_cab_view()
    {
        Assert.False(Alert(null).TryGetProperty("cab", out _));
    }

    [Fact]
    public void Telemetry_of_a_cab_carries_the_same_view()
    {
        var json = UplinkJson.Telemetry("loco-30123-cab", DateTimeOffset.UnixEpoch, RiskLevel.Medium, 0, 0, true, null, [], cab: Fog);
        var errors = SchemaCheck.Validate(TelemetrySchema, json);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + json);
        Assert.Equal(31, JsonDocument.Parse(json).RootElement.GetProperty("cab").GetProperty("sightSpeedKmh").GetDouble());
    }
}
