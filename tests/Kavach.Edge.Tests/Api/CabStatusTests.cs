using System.Net;
using System.Text.Json;
using Kavach.Edge.Api;
using Kavach.Edge.Assessment;
using Kavach.Edge.Locomotive;
using Kavach.Edge.Storage;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Api;

/// <summary>
/// <c>cab</c> in /api/status: the cab's floor at the last tick, in the shape of telemetry's <c>cab</c>; left out on a trackside
/// unit. The cab display (/cab) reads it.
/// </summary>
public sealed class CabStatusTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly CabView Running = new(62.54, SpeedTrust.Trusted, new SightSpeed(8.7, 180, 200, 180), true, -850.4, 172.2);
    private static readonly CabView Unknown = new(
        double.NaN,
        SpeedTrust.Stale,
        new SightSpeed(double.NaN, double.NaN, double.NaN, 180),
        false,
        double.PositiveInfinity,
        180
    );

    private static string TelemetryCab(CabView cab) =>
        JsonDocument.Parse(AlertJson.Write(w => AlertJson.Cab(w, cab))).RootElement.GetProperty("cab").GetRawText();

    [Fact]
    public void The_status_cab_is_telemetrys_cab_with_unknown_numbers_null()
    {
        const string running =
            """{"ownSpeedKmh":62.5,"speedTrust":"trusted","sightSpeedKmh":31,"sightDistanceM":180,"limitedBy":"reach","overSpeed":true,"curveRadiusM":-850,"coveredM":172,"route":null}""";
        const string unknown =
            """{"ownSpeedKmh":null,"speedTrust":"stale","sightSpeedKmh":null,"sightDistanceM":null,"limitedBy":null,"overSpeed":false,"curveRadiusM":null,"coveredM":180,"route":null}""";
        Assert.Equal(running, TelemetryCab(Running));
        Assert.Equal(unknown, TelemetryCab(Unknown));
        Assert.Equal(running, JsonSerializer.Serialize(CabStatus.From(Running), ApiJson.Default.CabStatus));
        Assert.Equal(unknown, JsonSerializer.Serialize(CabStatus.From(Unknown), ApiJson.Default.CabStatus));

        var visibilityLimited = CabStatus.From(Running with { Sight = new SightSpeed(5, 90, 90, 180) });
        Assert.Equal("visibility", visibilityLimited.LimitedBy);
        Assert.Equal(90, visibilityLimited.SightDistanceM);
    }

    [Fact]
    public void A_locomotive_unit_without_an_assessment_writes_cab_null_and_it_reads_back()
    {
        var json = JsonSerializer.Serialize(new NullableCab(null), ApiJson.Default.NullableCab);
        Assert.Equal("null", json);
        Assert.Null(JsonSerializer.Deserialize(json, ApiJson.Default.NullableCab).Value);
        var back = JsonSerializer.Deserialize(
            JsonSerializer.Serialize(new NullableCab(CabStatus.From(Running)), ApiJson.Default.NullableCab),
            ApiJson.Default.NullableCab
        );
        Assert.Equal(CabStatus.From(Running), back.Value);
    }

    [Fact]
    public async Task A_locomotive_daemons_status_carries_the_cab_the_floor_computed()
    {
        await using var d = await DaemonUnderTest.StartAsync(CabFeed.Config);
        var scene = new CabFeed.Scene { SpeedKmh = 60, VisibilityM = 200 };
        var (run, stop) = await CabFeed.StartAsync(d, scene);
        try
        {
            using var http = d.NewHttpClient();
            // 60 km/h in 200 m of fog with a 180 m LiDAR: the reach limits the sight to 180 m, 31 km/h, over-speed MEDIUM
            var cab = await CabAsync(http, c => c.GetProperty("overSpeed").GetBoolean(), "the over-speed in the status");
            Assert.Equal(60, cab.GetProperty("ownSpeedKmh").GetDouble(), 0.5);
            Assert.Equal("trusted", cab.GetProperty("speedTrust").GetString());
            Assert.Equal(31, cab.GetProperty("sightSpeedKmh").GetDouble());
            Assert.Equal(180, cab.GetProperty("sightDistanceM").GetDouble());
            Assert.Equal("reach", cab.GetProperty("limitedBy").GetString());
            Assert.Equal(JsonValueKind.Null, cab.GetProperty("curveRadiusM").ValueKind); // a constant course: straight track
            Assert.Equal(180, cab.GetProperty("coveredM").GetDouble());

            scene.GnssSilent = true; // a tunnel: the speed goes, the reason stays, never a stale number
            cab = await CabAsync(http, c => c.GetProperty("speedTrust").GetString() == "stale", "the own speed stale in the status");
            Assert.Equal(JsonValueKind.Null, cab.GetProperty("ownSpeedKmh").ValueKind);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
        d.Log.AssertNoErrors();
    }

    [Fact]
    public async Task A_trackside_daemons_status_has_no_cab()
    {
        await using var d = await DaemonUnderTest.StartAsync();
        using var http = d.NewHttpClient();
        var (code, status) = await http.GetJsonAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.False(status.TryGetProperty("cab", out _));
        Assert.True(status.TryGetProperty("level", out _));
    }

    private static async Task<JsonElement> CabAsync(HttpClient http, Func<JsonElement, bool> match, string what)
    {
        JsonElement cab = default;
        await Wait.UntilAsync(
            async () =>
            {
                var (code, status) = await http.GetJsonAsync("/api/status");
                if (code != HttpStatusCode.OK || !status.TryGetProperty("cab", out cab) || cab.ValueKind != JsonValueKind.Object)
                    return false;
                return match(cab);
            },
            what,
            Timeout
        );
        return cab;
    }
}
