using System.Text.Json;
using Kavach.Edge.Api;
using Kavach.Edge.Locomotive;

namespace Kavach.Edge.Tests.Api;

/// <summary><c>ownSpeedKmh</c> and <c>speedTrust</c> in /api/status: present only with a gnss sensor; the speed null when not
/// trusted.</summary>
public sealed class OwnSpeedStatusTests
{
    private static Status Status() =>
        new(
            "loco-30123-cab",
            "1.0",
            DateTimeOffset.UnixEpoch,
            1,
            "FAULT",
            null,
            0,
            DateTimeOffset.UnixEpoch,
            [],
            "fault",
            true,
            [],
            new Visibility(null, false, "none", "unknown"),
            new Obstacle(false, null, null, null, null),
            [],
            new Kavach.Edge.Api.Outputs("fault", "off", "off", "off", "off", false),
            new AlarmInfo(0, false, false, null),
            new ComponentState("disabled"),
            new ComponentState("not configured"),
            new PipelineInfo(0, null)
        );

    private static JsonElement Json(Status s) => JsonDocument.Parse(JsonSerializer.Serialize(s, ApiJson.Default.Status)).RootElement;

    [Fact]
    public void Without_a_gnss_sensor_neither_key_is_written()
    {
        var json = Json(Status());
        Assert.False(json.TryGetProperty("ownSpeedKmh", out _));
        Assert.False(json.TryGetProperty("speedTrust", out _));
    }

    [Fact]
    public void With_a_gnss_sensor_the_speed_is_a_number_when_trusted_and_null_with_the_reason_otherwise()
    {
        var json = Json(
            Status() with
            {
                OwnSpeedKmh = new NullableKmh(62.5),
                SpeedTrust = StatusReader.SpeedTrustName(SpeedTrust.Trusted),
            }
        );
        Assert.Equal(62.5, json.GetProperty("ownSpeedKmh").GetDouble());
        Assert.Equal("trusted", json.GetProperty("speedTrust").GetString());

        json = Json(Status() with { OwnSpeedKmh = new NullableKmh(null), SpeedTrust = StatusReader.SpeedTrustName(SpeedTrust.Stale) });
        Assert.Equal(JsonValueKind.Null, json.GetProperty("ownSpeedKmh").ValueKind);
        Assert.Equal("stale", json.GetProperty("speedTrust").GetString());

        // it reads back (a null speed reads as no value, the reason stays)
        var back = JsonSerializer.Deserialize(json.GetRawText(), ApiJson.Default.Status)!;
        Assert.Null(back.OwnSpeedKmh?.Value);
        Assert.Equal("stale", back.SpeedTrust);
        back = JsonSerializer.Deserialize(
            Json(Status() with { OwnSpeedKmh = new NullableKmh(62.5), SpeedTrust = "trusted" }).GetRawText(),
            ApiJson.Default.Status
        )!;
        Assert.Equal(62.5, back.OwnSpeedKmh?.Value);
    }

    [Theory]
    [InlineData(SpeedTrust.Trusted, "trusted")]
    [InlineData(SpeedTrust.NeverSeen, "never-seen")]
    [InlineData(SpeedTrust.NoFix, "no-fix")]
    [InlineData(SpeedTrust.DeadReckoning, "dead-reckoning")]
    [InlineData(SpeedTrust.PoorGeometry, "poor-geometry")]
    [InlineData(SpeedTrust.Stale, "stale")]
    public void Every_trust_state_has_its_name(SpeedTrust trust, string name) => Assert.Equal(name, StatusReader.SpeedTrustName(trust));
}
